// SPDX-License-Identifier: AGPL-3.0-or-later

// Command gen derives internal/cwe's data file from MITRE's CWE catalogue
// XML (cwec_v4.15.xml, also shipped as raw/cwe-archive.xml in the npm
// package cwe-sdk). It keeps, for every weakness, category and view, the
// ID, kind, status, abstraction (weaknesses only) and name, one per line,
// tab-separated, sorted by ID, after a header line recording the
// catalogue's version and date. Run it through go generate in
// internal/cwe:
//
//	CWE_XML=/path/to/cwe-archive.xml go generate ./internal/cwe
package main

import (
	"bufio"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
)

type entry struct {
	id          int
	kind        string
	status      string
	abstraction string
	name        string
}

func main() {
	in := flag.String("in", "", "the CWE catalogue XML file to read")
	out := flag.String("out", "cwe.tsv", "the data file to write")
	flag.Parse()
	if *in == "" {
		log.Fatal("gen: -in is required (the CWE catalogue XML; set CWE_XML for go generate)")
	}
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	version, date, entries, err := parse(f)
	if err != nil {
		return fmt.Errorf("gen: %s: %w", in, err)
	}
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# MITRE CWE %s (%s); derived by internal/cwe/gen; columns: id kind status abstraction name\n", version, date)
	for _, e := range entries {
		fmt.Fprintf(bw, "%d\t%s\t%s\t%s\t%s\n", e.id, e.kind, e.status, e.abstraction, e.name)
	}
	if err := bw.Flush(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// parse streams the catalogue, reading only the attributes of the
// top-level Weakness, Category and View elements.
func parse(r io.Reader) (version, date string, entries []entry, err error) {
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", "", nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := func(name string) string {
			for _, a := range se.Attr {
				if a.Name.Local == name {
					return a.Value
				}
			}
			return ""
		}
		switch se.Name.Local {
		case "Weakness_Catalog":
			version, date = attr("Version"), attr("Date")
		case "Weakness", "Category", "View":
			id, err := strconv.Atoi(attr("ID"))
			if err != nil || id <= 0 {
				return "", "", nil, fmt.Errorf("%s with bad ID %q", se.Name.Local, attr("ID"))
			}
			entries = append(entries, entry{id: id, kind: strings.ToLower(se.Name.Local), status: clean(attr("Status")),
				abstraction: clean(attr("Abstraction")), name: clean(attr("Name"))})
			if err := d.Skip(); err != nil {
				return "", "", nil, err
			}
		}
	}
	if version == "" {
		return "", "", nil, errors.New("no Weakness_Catalog version: not a CWE catalogue")
	}
	slices.SortFunc(entries, func(a, b entry) int { return a.id - b.id })
	for i := 1; i < len(entries); i++ {
		if entries[i].id == entries[i-1].id {
			return "", "", nil, fmt.Errorf("CWE-%d appears twice", entries[i].id)
		}
	}
	return version, date, entries, nil
}

// clean collapses runs of white space, tabs and newlines included, so
// that a value fits in one TSV field.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }
