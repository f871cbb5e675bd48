// SPDX-License-Identifier: AGPL-3.0-or-later
// Encrypts a vulnerability report in the reporter's browser before it is
// sent. Loaded as a module, only on the report form of a project with an
// OpenPGP key; without it the form sends the report as typed.
//
// On submit, while "Encrypt my report in this browser" is ticked, it
// fetches the project's public key, replaces the description, steps to
// reproduce and impact with ASCII-armored OpenPGP messages and each
// attachment with a binary OpenPGP message named NAME.pgp, then submits
// the form as usual; the server decrypts them with the project's key.
// OpenPGP.js is vendored (static/vendor/openpgp) and imported from this
// site, never from a CDN.

const option = document.getElementById("encrypt-option");
const box = document.getElementById("encrypt");
const errorBox = document.getElementById("encrypt-error");
const form = option && option.closest("form");

// sensitiveFields are the text fields encrypted; the server decrypts
// exactly these.
const sensitiveFields = ["description", "steps_to_reproduce", "impact"];
const armorHeader = "-----BEGIN PGP MESSAGE-----";

/** showError shows why encryption failed and how to go on. */
function showError(message) {
  errorBox.textContent = message + " Nothing was sent. Try again, or untick the box to send the report unencrypted.";
  errorBox.hidden = false;
}

/** encryptForm encrypts the sensitive fields and the files in place. */
async function encryptForm() {
  const openpgp = await import(option.dataset.openpgp);
  const response = await fetch(option.dataset.keyUrl, { credentials: "same-origin", cache: "no-cache" });
  if (!response.ok) {
    throw new Error("The project's key could not be fetched (HTTP " + response.status + ").");
  }
  const key = await openpgp.readKey({ armoredKey: await response.text() });
  // Text goes in as binary literal data, so that line endings arrive as
  // typed rather than canonicalised to CRLF.
  const encoder = new TextEncoder();
  for (const name of sensitiveFields) {
    const field = form.elements.namedItem(name);
    if (!field || field.value.trim() === "" || field.value.includes(armorHeader)) {
      continue;
    }
    const message = await openpgp.createMessage({ binary: encoder.encode(field.value) });
    field.value = await openpgp.encrypt({ message, encryptionKeys: key });
  }
  const input = form.elements.namedItem("attachment");
  if (input && input.files && input.files.length > 0) {
    const encrypted = new DataTransfer();
    for (const file of input.files) {
      // A file named *.pgp is taken as encrypted already: this script's
      // own output, when the page comes back from the browser's history.
      if (file.name.toLowerCase().endsWith(".pgp")) {
        encrypted.items.add(file);
        continue;
      }
      const message = await openpgp.createMessage({ binary: new Uint8Array(await file.arrayBuffer()) });
      const data = await openpgp.encrypt({ message, encryptionKeys: key, format: "binary" });
      encrypted.items.add(new File([data], file.name + ".pgp", { type: "application/octet-stream" }));
    }
    input.files = encrypted.files;
  }
}

if (form && box && errorBox) {
  option.hidden = false;
  let busy = false;
  let sendButton = null;
  // Coming back to the form from the next page (the back button) may
  // restore this page as it was while sending: make it usable again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      busy = false;
      if (sendButton) {
        sendButton.disabled = false;
      }
    }
  });
  form.addEventListener("submit", async (event) => {
    if (!box.checked || event.defaultPrevented) {
      return;
    }
    event.preventDefault();
    if (busy) {
      return;
    }
    busy = true;
    errorBox.hidden = true;
    const button = event.submitter;
    sendButton = button;
    if (button) {
      button.disabled = true;
    }
    try {
      await encryptForm();
      // The fields now hold ciphertext: submit() sends them without
      // firing this handler again.
      form.submit();
    } catch (err) {
      showError("The report could not be encrypted (" + (err && err.message ? err.message : String(err)) + ").");
      if (button) {
        button.disabled = false;
      }
      busy = false;
    }
  });
}
