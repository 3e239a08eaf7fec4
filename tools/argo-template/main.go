// Command argo-template renders generated ApplicationSets the way Argo CD's ApplicationSet controller does with
// `goTemplate: true`: every string key and value of `spec.template` is its own Go text/template, parsed with the
// ApplicationSet's `goTemplateOptions` and executed with the parameters of each git directory generator
// (`.path.*`, and `.values.*`, whose values are templates of their own too). Only the standard library is used,
// so it builds offline.
//
// Input (stdin): a JSON array of ApplicationSet objects. Output (stdout): a JSON array, one entry per
// ApplicationSet, with per generator the rendered template and every action found in a template string. A template
// that does not parse or execute is reported as an error entry; the exit status is 0 unless the input is unreadable.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"
	"text/template"
	"text/template/parse"
)

type result struct {
	Error      string         `json:"error,omitempty"`
	GoTemplate bool           `json:"goTemplate"`
	Generators []generatorOut `json:"generators"`
}

type generatorOut struct {
	Rendered any      `json:"rendered,omitempty"`
	Actions  []action `json:"actions"`
	Error    string   `json:"error,omitempty"`
}

type action struct {
	Field  string `json:"field"`
	Action string `json:"action"`
}

// Argo CD's basenameNormalized: what is not a DNS-label character becomes '-'.
var notDNS = regexp.MustCompile(`[^a-zA-Z0-9-]+`)

func main() {
	var sets []map[string]any
	if err := json.NewDecoder(os.Stdin).Decode(&sets); err != nil {
		fmt.Fprintln(os.Stderr, "argo-template: input:", err)
		os.Exit(2)
	}
	out := make([]result, 0, len(sets))
	for _, set := range sets {
		out = append(out, check(set))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		os.Exit(2)
	}
}

func check(set map[string]any) result {
	spec, _ := set["spec"].(map[string]any)
	r := result{GoTemplate: spec["goTemplate"] == true}
	if !r.GoTemplate {
		r.Error = "spec.goTemplate is not true: Argo CD would use fasttemplate, which this checker does not model"
		return r
	}
	var options []string
	if list, ok := spec["goTemplateOptions"].([]any); ok {
		for _, o := range list {
			options = append(options, fmt.Sprint(o))
		}
	}
	generators, _ := spec["generators"].([]any)
	for _, g := range generators {
		r.Generators = append(r.Generators, generate(g, spec["template"], options))
	}
	return r
}

// generate renders the template with the parameters of one git directory generator.
func generate(g any, tmpl any, options []string) generatorOut {
	gitGen, _ := g.(map[string]any)["git"].(map[string]any)
	dirs, _ := gitGen["directories"].([]any)
	if len(dirs) != 1 {
		return generatorOut{Error: "expected one git directory per generator"}
	}
	p := fmt.Sprint(dirs[0].(map[string]any)["path"])
	params := map[string]any{"path": map[string]any{
		"path":               p,
		"basename":           path.Base(p),
		"basenameNormalized": notDNS.ReplaceAllString(path.Base(p), "-"),
		"filename":           path.Base(p),
		"segments":           strings.Split(p, "/"),
	}}
	var out generatorOut
	// The generator's values are templates too, rendered with the generator's own parameters first.
	values := map[string]any{}
	if vs, ok := gitGen["values"].(map[string]any); ok {
		for k, v := range vs {
			s, err := render(fmt.Sprintf("values.%s", k), fmt.Sprint(v), params, options, &out.Actions)
			if err != nil {
				out.Error = err.Error()
				return out
			}
			values[k] = s
		}
	}
	params["values"] = values
	rendered, err := walk("template", tmpl, params, options, &out.Actions)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Rendered = rendered
	return out
}

// walk renders every string key and value of a JSON value, as Argo CD does field by field.
func walk(field string, v any, params map[string]any, options []string, actions *[]action) (any, error) {
	switch t := v.(type) {
	case string:
		return render(field, t, params, options, actions)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			r, err := walk(fmt.Sprintf("%s[%d]", field, i), e, params, options, actions)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			key, err := render(field+" (key)", k, params, options, actions)
			if err != nil {
				return nil, err
			}
			r, err := walk(field+"."+k, e, params, options, actions)
			if err != nil {
				return nil, err
			}
			out[key] = r
		}
		return out, nil
	default:
		return v, nil
	}
}

// render parses one string as a Go template, records its actions, and executes it.
func render(field, text string, params map[string]any, options []string, actions *[]action) (string, error) {
	t, err := template.New(field).Option(options...).Parse(text)
	if err != nil {
		return "", fmt.Errorf("%s: parse: %w", field, err)
	}
	for _, n := range t.Tree.Root.Nodes {
		if n.Type() != parse.NodeText {
			*actions = append(*actions, action{Field: field, Action: n.String()})
		}
	}
	var b strings.Builder
	if err := t.Execute(&b, params); err != nil {
		return "", fmt.Errorf("%s: execute: %w", field, err)
	}
	return b.String(), nil
}
