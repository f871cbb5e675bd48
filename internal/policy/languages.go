// SPDX-License-Identifier: AGPL-3.0-or-later

package policy

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// LanguageName names a BCP 47 tag for a reader of English, with the
// language's own name beside it when that differs ("German (Deutsch)",
// "Brazilian Portuguese (português)"), so that a reporter recognises
// their language either way. A tag CLDR does not know stays as given.
func LanguageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	english := display.English.Tags().Name(t)
	if english == "" || english == "Unknown language" {
		return tag
	}
	if self := display.Self.Name(t); self != "" && self != english {
		return english + " (" + self + ")"
	}
	return english
}

// LanguageNames names each of tags with LanguageName.
func LanguageNames(tags []string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = LanguageName(t)
	}
	return out
}

// LanguagesInWords lists the policy's languages as a sentence does:
// "English, German (Deutsch) and French (français)".
func (p Policy) LanguagesInWords() string {
	return languageList(p.LanguageNames)
}
