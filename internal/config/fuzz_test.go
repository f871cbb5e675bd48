// SPDX-License-Identifier: AGPL-3.0-or-later

package config

import (
	"strings"
	"testing"
)

// FuzzParseFileContent feeds arbitrary config files to the parser: it must
// never panic, and every key it accepts is a known EMBARGO_* name.
func FuzzParseFileContent(f *testing.F) {
	for _, s := range []string{
		"", "# c\nEMBARGO_ADDR=127.0.0.1:9\n", "EMBARGO_ADDR='x'\n", "\uFEFFEMBARGO_DATA=/tmp\n",
		"EMBARGO_NOPE=1", "=", "EMBARGO_ADDR", "EMBARGO_ADDR=1\nEMBARGO_ADDR=2", "EMBARGO_SECRET_KEY_FILE=/x\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		entries, err := parseFileContent("fuzz.conf", content)
		if err != nil {
			return
		}
		for k := range entries {
			if !strings.HasPrefix(k, "EMBARGO_") || checkFileKey(k) != nil {
				t.Fatalf("accepted key %q", k)
			}
		}
	})
}
