// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"embargo/internal/authz"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Search limits. A query is typed into a search box; more words than this
// only make it slower.
const (
	MaxQuery      = 200 // characters
	MaxQueryTerms = 16  // words and phrases
)

// ParseQuery turns what a user types into a search box into a text query.
// The syntax is the one web search engines taught everyone:
//
//	heap overflow        both words, anywhere in the case
//	"use after free"     the words in this order
//	pars*                words that begin with pars (at least two letters)
//	parser OR lexer      either word
//	-fuzzer, NOT fuzzer  without the word (or -"a phrase")
//
// AND between words is allowed and changes nothing. Anything else
// (quotes left open, stray operators, brackets, control characters) is
// read as text, never as an error; only a query that is too long, has too
// many terms, or has nothing left to look for is a *validation.Error on
// the field "q".
func ParseQuery(text string) (store.TextQuery, error) {
	var q store.TextQuery
	if utf8.RuneCountInString(text) > MaxQuery {
		return q, validation.Errorf("q", "is longer than %d characters", MaxQuery)
	}
	text = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(text, " "))
	terms, orNext, negateNext := 0, false, false
	rest := text
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		negate := negateNext
		negateNext = false
		if rest[0] == '-' && len(rest) > 1 && !unicode.IsSpace(rune(rest[1])) {
			negate, rest = true, rest[1:]
		}
		var t store.SearchTerm
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				t.Text, rest = rest[1:], ""
			} else {
				t.Text, rest = rest[1:1+end], rest[2+end:]
			}
			if strings.HasPrefix(rest, "*") {
				t.Prefix, rest = true, rest[1:]
			}
		} else {
			end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(rest)
			}
			word := rest[:end]
			rest = rest[end:]
			if !negate {
				switch word {
				case "OR":
					orNext = len(q.All) > 0
					continue
				case "AND":
					continue
				case "NOT":
					negateNext = true
					continue
				}
			}
			t.Text = strings.TrimRight(word, "*")
			t.Prefix = len(t.Text) < len(word)
		}
		if t.Prefix && !prefixable(t.Text) {
			t.Prefix = false
		}
		if !store.Searchable(t.Text) {
			orNext = false
			continue
		}
		if terms++; terms > MaxQueryTerms {
			return store.TextQuery{}, validation.Errorf("q", "has more than %d words and phrases", MaxQueryTerms)
		}
		switch {
		case negate:
			q.Exclude = append(q.Exclude, t)
		case orNext:
			q.All[len(q.All)-1] = append(q.All[len(q.All)-1], t)
		default:
			q.All = append(q.All, []store.SearchTerm{t})
		}
		orNext = false
	}
	if len(q.All) == 0 {
		if len(q.Exclude) > 0 {
			return store.TextQuery{}, validation.Errorf("q", "needs at least one word to look for, not only words to leave out")
		}
		return store.TextQuery{}, validation.Errorf("q", "has no word to look for")
	}
	return q, nil
}

// prefixable reports whether a prefix search for text is narrow enough:
// its last word has at least two letters or digits. "a*" would be every
// word beginning with a.
func prefixable(text string) bool {
	i := strings.LastIndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	last := text[i+1:]
	if i >= 0 {
		_, size := utf8.DecodeRuneInString(text[i:])
		last = text[i+size:]
	}
	return utf8.RuneCountInString(last) >= 2
}

// SearchResult is one page of a search.
type SearchResult struct {
	Hits []*store.SearchHit
	More bool
}

// Search finds the cases of one project (f.ProjectID) matching f.Query,
// the most relevant first, with the other filters of f applied. The
// caller has authorized reading the project's case list.
func (s *Service) Search(ctx context.Context, f store.CaseFilter) (*SearchResult, error) {
	if err := s.checkFilter(&f); err != nil {
		return nil, err
	}
	tq, err := ParseQuery(f.Query)
	if err != nil {
		return nil, err
	}
	res := &SearchResult{}
	err = s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		res.Hits, res.More, err = tx.SearchCases(ctx, store.SearchFilter{CaseFilter: f, Text: tq})
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// SearchEverywhere finds the cases matching f.Query in every project whose
// cases actor may read, the most relevant first, with f's other filters
// applied (f.ProjectID is ignored). Each project is admitted by authz.Can
// before the query and each hit is checked again after it, so a case the
// actor may not read is never returned, and nothing (no count, no title)
// is said about the others.
func (s *Service) SearchEverywhere(ctx context.Context, actor *authz.Actor, f store.CaseFilter) (*SearchResult, error) {
	if err := s.checkFilter(&f); err != nil {
		return nil, err
	}
	tq, err := ParseQuery(f.Query)
	if err != nil {
		return nil, err
	}
	res := &SearchResult{}
	if !actor.Authenticated() {
		return res, nil
	}
	f.ProjectID = 0
	err = s.Store.Read(ctx, func(tx *store.Tx) error {
		projects, err := tx.ListProjectsOfUser(ctx, actor.UserID)
		if err != nil {
			return err
		}
		var readable []int64
		for _, p := range projects {
			if authz.Can(actor, authz.ActionCaseList, projectResource(p)) == nil {
				readable = append(readable, p.ID)
			}
		}
		if len(readable) == 0 {
			return nil
		}
		byID := make(map[int64]*store.Project, len(projects))
		for _, p := range projects {
			byID[p.ID] = p
		}
		hits, more, err := tx.SearchCases(ctx, store.SearchFilter{CaseFilter: f, ProjectIDs: readable, Text: tq})
		if err != nil {
			return err
		}
		for _, h := range hits {
			p := byID[h.Case.ProjectID]
			if p == nil {
				continue // not the searcher's project: never shown
			}
			r := projectResource(p)
			r.Kind, r.CaseID = authz.KindCase, h.Case.ID
			if authz.Can(actor, authz.ActionCaseView, r) == nil {
				res.Hits = append(res.Hits, h)
			}
		}
		res.More = more
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func projectResource(p *store.Project) authz.Resource {
	return authz.Resource{Kind: authz.KindProject, ProjectID: p.ID, RequireMFA: p.RequireMFA, Archived: p.ArchivedAt != 0}
}
