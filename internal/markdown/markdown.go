// SPDX-License-Identifier: AGPL-3.0-or-later

// Package markdown turns untrusted Markdown (case descriptions, notes,
// reporter messages) into HTML that is safe to embed in a page. Rendering
// happens in two independent layers, so a bug in one does not open a hole:
// goldmark renders without raw HTML (inline tags are dropped, not passed
// through), and bluemonday's user-generated-content policy then removes
// anything that is not plain formatting.
package markdown

import (
	"bytes"
	"html/template"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"embargo/internal/validation"
)

// MaxInput is the most bytes Render reads; the rest is cut off. Domain
// limits keep stored text far below this; the cap only bounds the work a
// hostile value can cause if one slips through.
const MaxInput = 256 << 10

// linkRel is set on every link: readers of a report must not vouch for its
// links to search engines (nofollow), and the target must get neither the
// page's address (noreferrer) nor a handle on its window (noopener).
const linkRel = "nofollow noopener noreferrer"

var (
	md = goldmark.New(
		goldmark.WithExtensions(
			extension.Strikethrough,
			extension.Linkify,
			// Cell alignment as an attribute: the style attribute the
			// default method emits is stripped by the sanitizer and
			// blocked by the page's CSP anyway.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		),
		// No automatic heading IDs: a heading "# notes" must not be able to
		// shadow an element of the page around it.
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(linkTransformer{}, 100))),
		// The HTML renderer's defaults already omit raw HTML; WithUnsafe is
		// deliberately never set.
	)

	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	// Belt and braces: should a link ever reach the sanitizer without the
	// rel goldmark sets, bluemonday adds nofollow and noreferrer itself.
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}

// linkTransformer sets rel on every link and turns images into links to
// the image. Showing an image would make every reader's browser fetch a
// URL the author chose (a tracking pixel that tells a reporter, or an
// attacker, who opened the case and when); a link leaves that choice to
// the reader.
type linkTransformer struct{}

func (linkTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var images []*ast.Image
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte(linkRel))
		case *ast.Image:
			images = append(images, n)
		}
		return ast.WalkContinue, nil
	})
	// Replace after the walk: changing the tree while walking it would
	// skip or revisit nodes.
	for _, img := range images {
		link := ast.NewLink()
		link.Destination, link.Title = img.Destination, img.Title
		link.SetAttributeString("rel", []byte(linkRel))
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() {
			link.AppendChild(link, ast.NewString(img.Destination))
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

// Render returns src as sanitized HTML. It never fails: input goldmark
// cannot render comes back as escaped plain text. Deceptive characters
// (validation.Deceptive) come out as ⟨U+202E⟩ (the code point in hex) everywhere, code blocks
// and link text included: the reveal runs on the finished HTML, after
// goldmark has turned character references such as &#x202E; into the
// characters they stand for.
func Render(src string) template.HTML {
	if len(src) > MaxInput {
		src = src[:MaxInput]
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		out, _ := validation.RevealDeceptive("<p>" + template.HTMLEscapeString(src) + "</p>")
		return template.HTML(out)
	}
	out, _ := validation.RevealDeceptive(policy.Sanitize(buf.String()))
	return template.HTML(out)
}
