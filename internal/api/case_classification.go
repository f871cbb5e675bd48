// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"encoding/json"

	"embargo/internal/cases"
	"embargo/internal/cvss"
	"embargo/internal/store"
)

// cvssJSON is a case's current CVSS score.
type cvssJSON struct {
	Vector  string      `json:"vector"`
	Version string      `json:"version"`
	Score   json.Number `json:"score"` // one decimal, written exactly: 7.5, 10.0
	Rating  string      `json:"rating"`
}

// classified adds a case's CVSS score (nil for none) and CWE numbers to
// its JSON.
func classified(out caseJSON, score *store.CVSS, cweIDs []int) caseJSON {
	if score != nil {
		out.CVSS = &cvssJSON{Vector: score.Vector, Version: score.Version,
			Score: json.Number((&cvss.Score{Tenths: score.Score}).String()), Rating: score.Rating}
	}
	out.CWEIDs = make([]string, len(cweIDs))
	for i, id := range cweIDs {
		out.CWEIDs[i] = cases.CWEKey(id)
	}
	return out
}
