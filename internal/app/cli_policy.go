// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/policy"
	"embargo/internal/validation"
)

// policySecurityMDCommand prints a SECURITY.md for a project's repository,
// so the policy people find next to the code says what the instance says.
var policySecurityMDCommand = &command{
	name:    "policy security-md",
	summary: "print a SECURITY.md for a project's repository from its security policy",
	keys:    append(append([]string(nil), storageKeys...), config.KeyBaseURL),
	flags: func(fs *flag.FlagSet) any {
		slug := new(string)
		fs.StringVar(slug, "project", "", "the project's slug (required)")
		return slug
	},
	run: runPolicySecurityMD,
}

func init() { register(policySecurityMDCommand) }

func runPolicySecurityMD(ctx context.Context, env *cliEnv) error {
	if err := noArgs(env); err != nil {
		return err
	}
	slug := *env.flags.(*string)
	if slug == "" {
		return usagef("--project is required")
	}
	s, err := openMigrated(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	a := Build(env.cfg, s, env.log, clock.Real{})
	sp, err := a.Projects.Get(ctx, slug)
	var nf *validation.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("no project with slug %q", slug)
	}
	if err != nil {
		return err
	}
	if sp.ArchivedAt != 0 {
		return fmt.Errorf("project %q is archived and takes no reports", slug)
	}
	p, err := policy.Load(ctx, sp, policy.FromPGP(a.Keys))
	if err != nil {
		return err
	}
	_, err = io.WriteString(env.stdout, policy.SecurityMD(env.cfg.EffectiveBaseURL(), p))
	return err
}
