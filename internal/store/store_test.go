// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/audit"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// now is the fixed time the fixtures are stamped with (2026-01-01 UTC).
const now int64 = 1_767_225_600_000

var ctx = context.Background()

func write(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.Write(ctx, fn); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func read(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.Read(ctx, fn); err != nil {
		t.Fatalf("read: %v", err)
	}
}

func mkUser(t *testing.T, s *store.Store, email, name string) *store.User {
	t.Helper()
	u := &store.User{Email: email, Name: name, PasswordHash: "hash-" + name, CreatedAt: now, UpdatedAt: now}
	write(t, s, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) })
	return u
}

func mkProject(t *testing.T, s *store.Store, slug string) *store.Project {
	t.Helper()
	p := &store.Project{Slug: slug, Name: "Project " + slug, Settings: "{}", CreatedAt: now, UpdatedAt: now}
	write(t, s, func(tx *store.Tx) error { return tx.CreateProject(ctx, p) })
	return p
}

// mkCase reserves the project's next number and creates the case, as the
// cases service does.
func mkCase(t *testing.T, s *store.Store, p *store.Project, c *store.Case) *store.Case {
	t.Helper()
	write(t, s, func(tx *store.Tx) error { return createCase(tx, p, c) })
	return c
}

func createCase(tx *store.Tx, p *store.Project, c *store.Case) error {
	n, err := tx.NextCaseNumber(ctx, p.ID)
	if err != nil {
		return err
	}
	c.ProjectID, c.ProjectSlug, c.Number = p.ID, p.Slug, n
	c.Key = fmt.Sprintf("%s-%d", strings.ToUpper(p.Slug), n)
	if c.State == "" {
		c.State = "new"
	}
	if c.Severity == "" {
		c.Severity = "unknown"
	}
	c.CreatedAt, c.UpdatedAt = now, now
	return tx.CreateCase(ctx, c)
}

func TestUsers(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		alice := mkUser(t, s, "  Alice@Example.ORG ", "Alice")
		if alice.ID == 0 || alice.Email != "alice@example.org" {
			t.Fatalf("created user ID %d email %q, want an ID and the normalized email", alice.ID, alice.Email)
		}
		mkUser(t, s, "bob@example.org", "Bob")

		t.Run("duplicate email conflicts", func(t *testing.T) {
			for _, email := range []string{"alice@example.org", "ALICE@example.org", " alice@EXAMPLE.org"} {
				err := s.Write(ctx, func(tx *store.Tx) error {
					return tx.CreateUser(ctx, &store.User{Email: email, Name: "Mallory", CreatedAt: now, UpdatedAt: now})
				})
				if !errors.Is(err, store.ErrConflict) {
					t.Errorf("CreateUser(%q) = %v, want ErrConflict", email, err)
				}
			}
		})

		t.Run("lookup ignores case and space", func(t *testing.T) {
			for _, email := range []string{"alice@example.org", "ALICE@EXAMPLE.ORG", " Alice@example.org "} {
				read(t, s, func(tx *store.Tx) error {
					u, err := tx.UserByEmail(ctx, email)
					if err != nil {
						return fmt.Errorf("UserByEmail(%q): %w", email, err)
					}
					if diff := cmp.Diff(alice, u); diff != "" {
						t.Errorf("UserByEmail(%q) (-want +got):\n%s", email, diff)
					}
					return nil
				})
			}
		})

		t.Run("update round-trips every field", func(t *testing.T) {
			want := *alice
			want.Name, want.PasswordHash, want.IsAdmin, want.Disabled = "Alice A.", "new-hash", true, true
			want.TOTPSecret, want.TOTPEnabled, want.TOTPLastStep, want.UpdatedAt = "SECRET", true, 56_000_123, now+1
			write(t, s, func(tx *store.Tx) error { return tx.UpdateUser(ctx, &want) })
			read(t, s, func(tx *store.Tx) error {
				got, err := tx.UserByID(ctx, alice.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(&want, got); diff != "" {
					t.Errorf("after update (-want +got):\n%s", diff)
				}
				return nil
			})
		})

		t.Run("list and count", func(t *testing.T) {
			read(t, s, func(tx *store.Tx) error {
				us, err := tx.ListUsers(ctx)
				if err != nil {
					return err
				}
				var names []string
				for _, u := range us {
					names = append(names, u.Name)
				}
				if diff := cmp.Diff([]string{"Alice A.", "Bob"}, names); diff != "" {
					t.Errorf("ListUsers names (-want +got):\n%s", diff)
				}
				n, err := tx.CountUsers(ctx)
				if err != nil {
					return err
				}
				if n != 2 {
					t.Errorf("CountUsers = %d, want 2", n)
				}
				return nil
			})
		})

		t.Run("recovery codes are single-use", func(t *testing.T) {
			write(t, s, func(tx *store.Tx) error { return tx.ReplaceRecoveryCodes(ctx, alice.ID, []string{"h1", "h2", "h3"}) })
			steps := []struct {
				name     string
				hash     string
				wantUsed bool
				wantLeft int
			}{
				{"first use", "h2", true, 2},
				{"reuse", "h2", false, 2},
				{"unknown", "nope", false, 2},
				{"another", "h1", true, 1},
			}
			for _, st := range steps {
				write(t, s, func(tx *store.Tx) error {
					used, err := tx.UseRecoveryCode(ctx, alice.ID, st.hash, now)
					if err != nil {
						return err
					}
					left, err := tx.CountRecoveryCodes(ctx, alice.ID)
					if err != nil {
						return err
					}
					if used != st.wantUsed || left != st.wantLeft {
						t.Errorf("%s: used %v, %d left; want %v, %d", st.name, used, left, st.wantUsed, st.wantLeft)
					}
					return nil
				})
			}
			write(t, s, func(tx *store.Tx) error { return tx.ReplaceRecoveryCodes(ctx, alice.ID, []string{"h9"}) })
			read(t, s, func(tx *store.Tx) error {
				if left, err := tx.CountRecoveryCodes(ctx, alice.ID); err != nil || left != 1 {
					t.Errorf("after replacing: %d left (%v), want 1", left, err)
				}
				return nil
			})
		})
	})
}

func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		u := mkUser(t, s, "a@example.org", "A")
		other := mkUser(t, s, "b@example.org", "B")
		sess := &store.Session{IDHash: "s1", UserID: u.ID, MFAPending: true, CreatedAt: now, ExpiresAt: now + 1000,
			LastSeenAt: now, UserAgent: "test", RemoteAddr: "192.0.2.1"}
		write(t, s, func(tx *store.Tx) error {
			for _, x := range []*store.Session{
				sess,
				{IDHash: "s2", UserID: u.ID, CreatedAt: now, ExpiresAt: now + 10, LastSeenAt: now},
				{IDHash: "s3", UserID: other.ID, CreatedAt: now, ExpiresAt: now + 5000, LastSeenAt: now},
			} {
				if err := tx.CreateSession(ctx, x); err != nil {
					return err
				}
			}
			return nil
		})
		lookup := func(hash string, at int64) (*store.Session, error) {
			var got *store.Session
			err := s.Read(ctx, func(tx *store.Tx) error {
				var err error
				got, err = tx.SessionByHash(ctx, hash, at)
				return err
			})
			return got, err
		}

		got, err := lookup("s1", now+999)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(sess, got); diff != "" {
			t.Errorf("SessionByHash (-want +got):\n%s", diff)
		}
		for _, tc := range []struct {
			name string
			hash string
			at   int64
		}{
			{"at its expiry", "s1", now + 1000},
			{"after its expiry", "s1", now + 5000},
			{"unknown hash", "nope", now},
		} {
			if _, err := lookup(tc.hash, tc.at); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: SessionByHash = %v, want ErrNotFound", tc.name, err)
			}
		}

		write(t, s, func(tx *store.Tx) error {
			if err := tx.CompleteSessionMFA(ctx, "s1"); err != nil {
				return err
			}
			return tx.TouchSession(ctx, "s1", now+900, now+9000)
		})
		if got, err := lookup("s1", now+5000); err != nil || got.MFAPending || got.LastSeenAt != now+900 {
			t.Errorf("after MFA and touch: %+v, %v; want found, not pending, last seen %d", got, err, now+900)
		}

		write(t, s, func(tx *store.Tx) error { return tx.DeleteExpiredSessions(ctx, now+10) })
		if _, err := lookup("s2", now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session survived DeleteExpiredSessions: %v", err)
		}
		if _, err := lookup("s1", now); err != nil {
			t.Errorf("unexpired session deleted: %v", err)
		}

		write(t, s, func(tx *store.Tx) error { return tx.DeleteUserSessions(ctx, u.ID) })
		if _, err := lookup("s1", now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeleteUserSessions left the user's session: %v", err)
		}
		if _, err := lookup("s3", now); err != nil {
			t.Errorf("DeleteUserSessions removed another user's session: %v", err)
		}
		write(t, s, func(tx *store.Tx) error { return tx.DeleteSession(ctx, "s3") })
		if _, err := lookup("s3", now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeleteSession left it: %v", err)
		}
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		u := mkUser(t, s, "a@example.org", "A")
		other := mkUser(t, s, "b@example.org", "B")
		tk1 := &store.APIToken{UserID: u.ID, Name: "ci", TokenHash: "t1", CreatedAt: now}
		tk2 := &store.APIToken{UserID: u.ID, Name: "laptop", TokenHash: "t2", CreatedAt: now + 1}
		write(t, s, func(tx *store.Tx) error {
			if err := tx.CreateAPIToken(ctx, tk1); err != nil {
				return err
			}
			return tx.CreateAPIToken(ctx, tk2)
		})
		write(t, s, func(tx *store.Tx) error { return tx.TouchAPIToken(ctx, tk1.ID, now+50) })
		tk1.LastUsedAt = now + 50

		read(t, s, func(tx *store.Tx) error {
			got, err := tx.APITokenByHash(ctx, "t1")
			if err != nil {
				return err
			}
			if diff := cmp.Diff(tk1, got); diff != "" {
				t.Errorf("APITokenByHash (-want +got):\n%s", diff)
			}
			list, err := tx.ListAPITokens(ctx, u.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]*store.APIToken{tk2, tk1}, list); diff != "" {
				t.Errorf("ListAPITokens, newest first (-want +got):\n%s", diff)
			}
			return nil
		})

		revoke := func(userID, tokenID int64) error {
			return s.Write(ctx, func(tx *store.Tx) error { return tx.RevokeAPIToken(ctx, userID, tokenID, now+100) })
		}
		if err := revoke(other.ID, tk1.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking another user's token = %v, want ErrNotFound", err)
		}
		if err := revoke(u.ID, tk1.ID); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		if err := revoke(u.ID, tk1.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking twice = %v, want ErrNotFound", err)
		}
		read(t, s, func(tx *store.Tx) error {
			if _, err := tx.APITokenByHash(ctx, "t1"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("revoked token still resolves: %v", err)
			}
			if _, err := tx.APITokenByHash(ctx, "t2"); err != nil {
				t.Errorf("unrevoked token no longer resolves: %v", err)
			}
			list, err := tx.ListAPITokens(ctx, u.ID)
			if err != nil {
				return err
			}
			if len(list) != 2 || list[1].RevokedAt != now+100 {
				t.Errorf("ListAPITokens after revoke = %+v, want both, the first revoked at %d", list, now+100)
			}
			return nil
		})
	})
}

func TestSetupTokens(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		write(t, s, func(tx *store.Tx) error { return tx.CreateSetupToken(ctx, "setup1", now, now+1000) })
		valid := func(at int64) bool {
			var ok bool
			read(t, s, func(tx *store.Tx) error {
				var err error
				ok, err = tx.ValidSetupToken(ctx, "setup1", at)
				return err
			})
			return ok
		}
		if !valid(now) || valid(now+1000) {
			t.Errorf("valid before expiry %v, at expiry %v; want true, false", valid(now), valid(now+1000))
		}
		use := func(at int64) error {
			return s.Write(ctx, func(tx *store.Tx) error { return tx.UseSetupToken(ctx, "setup1", at) })
		}
		if err := use(now + 1000); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("using an expired token = %v, want ErrNotFound", err)
		}
		if err := use(now + 1); err != nil {
			t.Fatalf("use: %v", err)
		}
		if err := use(now + 2); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second use = %v, want ErrNotFound", err)
		}
		if valid(now + 3) {
			t.Error("used token still valid")
		}
	})
}

func TestProjects(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		u := mkUser(t, s, "a@example.org", "A")
		zeta := mkProject(t, s, "zeta")
		acme := mkProject(t, s, "acme")

		t.Run("duplicate slug conflicts", func(t *testing.T) {
			err := s.Write(ctx, func(tx *store.Tx) error {
				return tx.CreateProject(ctx, &store.Project{Slug: "acme", Name: "Again", Settings: "{}", CreatedAt: now, UpdatedAt: now})
			})
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("CreateProject(acme) again = %v, want ErrConflict", err)
			}
		})

		t.Run("update and load", func(t *testing.T) {
			want := *acme
			want.Name, want.Description, want.RequireMFA, want.Settings = "ACME Corp", "desc", true, `{"sla":{"ack":"48h"}}`
			want.ArchivedAt, want.UpdatedAt = now+5, now+5
			write(t, s, func(tx *store.Tx) error { return tx.UpdateProject(ctx, &want) })
			read(t, s, func(tx *store.Tx) error {
				bySlug, err := tx.ProjectBySlug(ctx, "acme")
				if err != nil {
					return err
				}
				byID, err := tx.ProjectByID(ctx, acme.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(&want, bySlug); diff != "" {
					t.Errorf("ProjectBySlug (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(&want, byID); diff != "" {
					t.Errorf("ProjectByID (-want +got):\n%s", diff)
				}
				return nil
			})
			want.ArchivedAt = 0
			write(t, s, func(tx *store.Tx) error { return tx.UpdateProject(ctx, &want) })
			read(t, s, func(tx *store.Tx) error {
				got, err := tx.ProjectByID(ctx, acme.ID)
				if err == nil && got.ArchivedAt != 0 {
					t.Errorf("unarchived project has ArchivedAt %d", got.ArchivedAt)
				}
				return err
			})
		})

		t.Run("lists", func(t *testing.T) {
			write(t, s, func(tx *store.Tx) error {
				return tx.SetMember(ctx, &store.Member{ProjectID: zeta.ID, UserID: u.ID, Role: "viewer", CreatedAt: now})
			})
			read(t, s, func(tx *store.Tx) error {
				all, err := tx.ListProjects(ctx)
				if err != nil {
					return err
				}
				mine, err := tx.ListProjectsOfUser(ctx, u.ID)
				if err != nil {
					return err
				}
				slugs := func(ps []*store.Project) (out []string) {
					for _, p := range ps {
						out = append(out, p.Slug)
					}
					return out
				}
				if diff := cmp.Diff([]string{"acme", "zeta"}, slugs(all)); diff != "" {
					t.Errorf("ListProjects, by name (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]string{"zeta"}, slugs(mine)); diff != "" {
					t.Errorf("ListProjectsOfUser (-want +got):\n%s", diff)
				}
				return nil
			})
		})

		t.Run("case numbers are never reused", func(t *testing.T) {
			next := func(tx *store.Tx, p *store.Project) int64 {
				n, err := tx.NextCaseNumber(ctx, p.ID)
				if err != nil {
					t.Fatalf("NextCaseNumber: %v", err)
				}
				return n
			}
			var got []int64
			write(t, s, func(tx *store.Tx) error {
				got = append(got, next(tx, acme), next(tx, acme)) // two in one transaction
				return nil
			})
			write(t, s, func(tx *store.Tx) error {
				got = append(got, next(tx, acme), next(tx, zeta)) // projects count separately
				return nil
			})
			// A reservation rolled back with its transaction created nothing,
			// so the number goes to the next case instead of leaving a gap.
			s.Write(ctx, func(tx *store.Tx) error {
				next(tx, acme)
				return errors.New("abort")
			})
			write(t, s, func(tx *store.Tx) error {
				got = append(got, next(tx, acme))
				return nil
			})
			if diff := cmp.Diff([]int64{1, 2, 3, 1, 4}, got); diff != "" {
				t.Errorf("numbers (-want +got):\n%s", diff)
			}
		})
	})
}

func TestMembers(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		p := mkProject(t, s, "acme")
		zoe := mkUser(t, s, "zoe@example.org", "Zoe")
		adam := mkUser(t, s, "adam@example.org", "Adam")
		set := func(u *store.User, role string) {
			write(t, s, func(tx *store.Tx) error {
				return tx.SetMember(ctx, &store.Member{ProjectID: p.ID, UserID: u.ID, Role: role, CreatedAt: now})
			})
		}
		set(zoe, "viewer")
		set(adam, "admin")
		set(zoe, "responder") // changes the role, no duplicate

		read(t, s, func(tx *store.Tx) error {
			ms, err := tx.ListMembers(ctx, p.ID)
			if err != nil {
				return err
			}
			want := []*store.Member{
				{ProjectID: p.ID, UserID: adam.ID, Role: "admin", CreatedAt: now, Email: adam.Email, Name: "Adam"},
				{ProjectID: p.ID, UserID: zoe.ID, Role: "responder", CreatedAt: now, Email: zoe.Email, Name: "Zoe"},
			}
			if diff := cmp.Diff(want, ms); diff != "" {
				t.Errorf("ListMembers (-want +got):\n%s", diff)
			}
			m, err := tx.Membership(ctx, p.ID, zoe.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want[1], m); diff != "" {
				t.Errorf("Membership (-want +got):\n%s", diff)
			}
			of, err := tx.MembershipsOfUser(ctx, adam.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want[:1], of); diff != "" {
				t.Errorf("MembershipsOfUser (-want +got):\n%s", diff)
			}
			return nil
		})

		remove := func() error {
			return s.Write(ctx, func(tx *store.Tx) error { return tx.RemoveMember(ctx, p.ID, zoe.ID) })
		}
		if err := remove(); err != nil {
			t.Fatalf("RemoveMember: %v", err)
		}
		if err := remove(); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("removing again = %v, want ErrNotFound", err)
		}
		read(t, s, func(tx *store.Tx) error {
			if _, err := tx.Membership(ctx, p.ID, zoe.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Membership after removal = %v, want ErrNotFound", err)
			}
			return nil
		})
	})
}

func TestInvitations(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		p := mkProject(t, s, "acme")
		lead := mkUser(t, s, "lead@example.org", "Lead")
		joiner := mkUser(t, s, "new@example.org", "New")
		invite := func(hash string, expires int64) *store.Invitation {
			in := &store.Invitation{ProjectID: p.ID, Email: " New@Example.org", Role: "responder", TokenHash: hash,
				InvitedBy: lead.ID, CreatedAt: now, ExpiresAt: expires}
			write(t, s, func(tx *store.Tx) error { return tx.CreateInvitation(ctx, in) })
			return in
		}
		accepted := invite("i-accept", now+1000)
		revoked := invite("i-revoke", now+1000)
		expired := invite("i-expire", now+10)
		open := invite("i-open", now+1000)
		if accepted.Email != "new@example.org" {
			t.Errorf("invitation email %q, want it normalized", accepted.Email)
		}

		byHash := func(hash string, at int64) (*store.Invitation, error) {
			var in *store.Invitation
			err := s.Read(ctx, func(tx *store.Tx) error {
				var err error
				in, err = tx.InvitationByHash(ctx, hash, at)
				return err
			})
			return in, err
		}
		got, err := byHash("i-accept", now)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(accepted, got); diff != "" {
			t.Errorf("InvitationByHash (-want +got):\n%s", diff)
		}

		steps := []struct {
			name string
			op   func(tx *store.Tx) error
			want error
		}{
			{"accept", func(tx *store.Tx) error { return tx.AcceptInvitation(ctx, accepted.ID, joiner.ID, now+1) }, nil},
			{"accept twice", func(tx *store.Tx) error { return tx.AcceptInvitation(ctx, accepted.ID, joiner.ID, now+2) }, store.ErrNotFound},
			{"revoke accepted", func(tx *store.Tx) error { return tx.RevokeInvitation(ctx, p.ID, accepted.ID, now+2) }, store.ErrNotFound},
			{"revoke in another project", func(tx *store.Tx) error { return tx.RevokeInvitation(ctx, p.ID+1, revoked.ID, now+2) }, store.ErrNotFound},
			{"revoke", func(tx *store.Tx) error { return tx.RevokeInvitation(ctx, p.ID, revoked.ID, now+2) }, nil},
			{"accept revoked", func(tx *store.Tx) error { return tx.AcceptInvitation(ctx, revoked.ID, joiner.ID, now+3) }, store.ErrNotFound},
			{"accept expired", func(tx *store.Tx) error { return tx.AcceptInvitation(ctx, expired.ID, joiner.ID, now+10) }, store.ErrNotFound},
		}
		for _, st := range steps {
			err := s.Write(ctx, st.op)
			if !errors.Is(err, st.want) {
				t.Errorf("%s = %v, want %v", st.name, err, st.want)
			}
		}
		for _, hash := range []string{"i-accept", "i-revoke", "i-expire"} {
			if _, err := byHash(hash, now+10); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("InvitationByHash(%s) = %v, want ErrNotFound once it is no longer open", hash, err)
			}
		}
		read(t, s, func(tx *store.Tx) error {
			list, err := tx.ListOpenInvitations(ctx, p.ID, now+10)
			if err != nil {
				return err
			}
			if len(list) != 1 || list[0].ID != open.ID {
				t.Errorf("ListOpenInvitations = %+v, want only %d", list, open.ID)
			}
			return nil
		})
	})
}

func TestCases(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		acme := mkProject(t, s, "acme")
		other := mkProject(t, s, "other")
		ann := mkUser(t, s, "ann@example.org", "Ann")
		ben := mkUser(t, s, "ben@example.org", "Ben")
		c1 := mkCase(t, s, acme, &store.Case{Title: "Heap overflow in parser", Severity: "critical", State: "new", CreatedBy: ann.ID})
		c2 := mkCase(t, s, acme, &store.Case{Title: "XSS via 100% width", Severity: "medium", State: "triage", CoordinatorID: ann.ID})
		c3 := mkCase(t, s, acme, &store.Case{Title: "Path traversal in file_name", Severity: "high", State: "fixing"})
		c4 := mkCase(t, s, acme, &store.Case{Title: `Back\slash escape`, Severity: "medium", State: "closed", Resolution: "fixed"})
		mkCase(t, s, other, &store.Case{Title: "Heap overflow elsewhere", Severity: "critical"})
		write(t, s, func(tx *store.Tx) error { return tx.SetAssignees(ctx, c3.ID, []int64{ben.ID, ann.ID}) })

		t.Run("load by key", func(t *testing.T) {
			read(t, s, func(tx *store.Tx) error {
				got, err := tx.CaseByKey(ctx, "acme-2", false)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(c2, got); diff != "" {
					t.Errorf("CaseByKey (-want +got):\n%s", diff)
				}
				return nil
			})
			write(t, s, func(tx *store.Tx) error {
				_, err := tx.CaseByKey(ctx, "ACME-1", true) // the locking form
				return err
			})
		})

		t.Run("duplicate key conflicts", func(t *testing.T) {
			err := s.Write(ctx, func(tx *store.Tx) error {
				dup := *c1
				dup.Number = 99
				return tx.CreateCase(ctx, &dup)
			})
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("CreateCase with a taken key = %v, want ErrConflict", err)
			}
		})

		t.Run("update", func(t *testing.T) {
			want := *c1
			want.Title, want.Description, want.Severity, want.Component = "Heap overflow in the parser", "details", "high", "parser"
			want.State, want.Resolution, want.CoordinatorID, want.UpdatedAt = "triage", "", ben.ID, now+7
			write(t, s, func(tx *store.Tx) error { return tx.UpdateCase(ctx, &want) })
			read(t, s, func(tx *store.Tx) error {
				got, err := tx.CaseByKey(ctx, c1.Key, false)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(&want, got); diff != "" {
					t.Errorf("after update (-want +got):\n%s", diff)
				}
				return nil
			})
			*c1 = want
		})

		t.Run("assignees", func(t *testing.T) {
			read(t, s, func(tx *store.Tx) error {
				got, err := tx.Assignees(ctx, c3.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff([]int64{ann.ID, ben.ID}, got); diff != "" {
					t.Errorf("Assignees (-want +got):\n%s", diff)
				}
				byCase, err := tx.AssigneesOfCases(ctx, []int64{c1.ID, c3.ID})
				if err != nil {
					return err
				}
				if diff := cmp.Diff(map[int64][]int64{c3.ID: {ann.ID, ben.ID}}, byCase); diff != "" {
					t.Errorf("AssigneesOfCases (-want +got):\n%s", diff)
				}
				return nil
			})
		})

		t.Run("count by project", func(t *testing.T) {
			read(t, s, func(tx *store.Tx) error {
				got, err := tx.CountCasesByProject(ctx, []int64{acme.ID, other.ID}, []string{"triage", "fixing"})
				if err != nil {
					return err
				}
				if diff := cmp.Diff(map[int64]int{acme.ID: 3}, got); diff != "" {
					t.Errorf("CountCasesByProject (-want +got):\n%s", diff)
				}
				return nil
			})
		})

		tests := []struct {
			name     string
			filter   store.CaseFilter
			wantKeys []string
			wantMore bool
		}{
			{"all, newest first", store.CaseFilter{}, []string{c4.Key, c3.Key, c2.Key, c1.Key}, false},
			{"one state", store.CaseFilter{States: []string{"fixing"}}, []string{c3.Key}, false},
			{"several states", store.CaseFilter{States: []string{"triage", "closed"}}, []string{c4.Key, c2.Key, c1.Key}, false},
			{"severity", store.CaseFilter{Severity: "medium"}, []string{c4.Key, c2.Key}, false},
			{"coordinator or assignee", store.CaseFilter{AssigneeID: ben.ID}, []string{c3.Key, c1.Key}, false},
			{"assignee of one, coordinator of another", store.CaseFilter{AssigneeID: ann.ID}, []string{c3.Key, c2.Key}, false},
			{"filters combine", store.CaseFilter{AssigneeID: ann.ID, Severity: "medium"}, []string{c2.Key}, false},
			{"first page", store.CaseFilter{Limit: 3}, []string{c4.Key, c3.Key, c2.Key}, true},
			{"last page", store.CaseFilter{Limit: 3, Offset: 3}, []string{c1.Key}, false},
			{"exact page", store.CaseFilter{Limit: 2, Offset: 2}, []string{c2.Key, c1.Key}, false},
			{"past the end", store.CaseFilter{Limit: 2, Offset: 10}, nil, false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f := tc.filter
				f.ProjectID = acme.ID
				read(t, s, func(tx *store.Tx) error {
					got, more, err := tx.ListCases(ctx, f)
					if err != nil {
						return err
					}
					var keys []string
					for _, c := range got {
						keys = append(keys, c.Key)
					}
					if diff := cmp.Diff(tc.wantKeys, keys); diff != "" || more != tc.wantMore {
						t.Errorf("ListCases keys (-want +got):\n%s\nmore = %v, want %v", diff, more, tc.wantMore)
					}
					return nil
				})
			})
		}
	})
}

func TestNotes(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		p := mkProject(t, s, "acme")
		ann := mkUser(t, s, "ann@example.org", "Ann")
		c := mkCase(t, s, p, &store.Case{Title: "Bug"})
		n1 := &store.Note{CaseID: c.ID, AuthorID: ann.ID, Body: "first\nline two", CreatedAt: now}
		n2 := &store.Note{CaseID: c.ID, Body: "from the system", CreatedAt: now + 1}
		write(t, s, func(tx *store.Tx) error {
			if err := tx.CreateNote(ctx, n1); err != nil {
				return err
			}
			return tx.CreateNote(ctx, n2)
		})
		n1.AuthorName = "Ann"
		read(t, s, func(tx *store.Tx) error {
			got, err := tx.ListNotes(ctx, c.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]*store.Note{n1, n2}, got); diff != "" {
				t.Errorf("ListNotes (-want +got):\n%s", diff)
			}
			return nil
		})
	})
}

func appendEvent(t *testing.T, tx *store.Tx, action string, projectID, caseID int64) *audit.Event {
	t.Helper()
	e, err := audit.NewEvent(now, 0, "test", action, nil, map[string]any{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	e.ProjectID, e.CaseID = projectID, caseID
	if err := tx.AppendEvent(ctx, e); err != nil {
		t.Fatalf("AppendEvent: %v", err)
	}
	return e
}

func TestAuditEvents(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		var appended []*audit.Event
		write(t, s, func(tx *store.Tx) error {
			appended = append(appended, appendEvent(t, tx, "a", 1, 10), appendEvent(t, tx, "b", 1, 11))
			return nil
		})
		s.Write(ctx, func(tx *store.Tx) error {
			appendEvent(t, tx, "rolled back", 1, 10)
			return errors.New("abort")
		})
		write(t, s, func(tx *store.Tx) error {
			appended = append(appended, appendEvent(t, tx, "c", 2, 20))
			// Enough to make WalkEvents read more than one batch.
			for range 1001 {
				appended = append(appended, appendEvent(t, tx, "bulk", 1, 10))
			}
			return nil
		})

		t.Run("chain is contiguous and linked", func(t *testing.T) {
			var walked []*audit.Event
			var v audit.Verifier
			read(t, s, func(tx *store.Tx) error {
				err := tx.WalkEvents(ctx, func(e *audit.Event) error {
					walked = append(walked, e)
					return v.Next(e)
				})
				if err != nil {
					return err
				}
				seq, hash, err := tx.AuditHead(ctx)
				if err != nil {
					return err
				}
				return v.Finish(seq, hash)
			})
			if diff := cmp.Diff(appended, walked); diff != "" {
				t.Fatalf("WalkEvents (-want +got):\n%s", diff)
			}
			prev := ""
			for i, e := range walked {
				if e.Seq != int64(i+1) || e.PrevHash != prev {
					t.Fatalf("event %d has seq %d and prev %q, want seq %d and prev %q", i, e.Seq, e.PrevHash, i+1, prev)
				}
				prev = e.Hash
			}
		})

		t.Run("by case and project", func(t *testing.T) {
			read(t, s, func(tx *store.Tx) error {
				byCase, err := tx.CaseEvents(ctx, 11, 0, 10)
				if err != nil {
					return err
				}
				if len(byCase) != 1 || byCase[0].Action != "b" {
					t.Errorf("CaseEvents(11) = %d events, want only b", len(byCase))
				}
				page, err := tx.CaseEvents(ctx, 10, 5, 2)
				if err != nil {
					return err
				}
				if len(page) != 2 || page[0].Seq != 4 || page[1].Seq != 1 {
					t.Errorf("CaseEvents(10, before 5, 2) = %v, want seqs 4 and 1", seqs(page))
				}
				byProject, err := tx.ProjectEvents(ctx, 2, 10)
				if err != nil {
					return err
				}
				if len(byProject) != 1 || byProject[0].Action != "c" {
					t.Errorf("ProjectEvents(2) = %v, want only c", seqs(byProject))
				}
				return nil
			})
		})
	})
}

func seqs(es []*audit.Event) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		tests := []struct {
			name string
			op   func(tx *store.Tx) error
		}{
			{"UserByID", func(tx *store.Tx) error { _, err := tx.UserByID(ctx, 404); return err }},
			{"UserByEmail", func(tx *store.Tx) error { _, err := tx.UserByEmail(ctx, "nobody@example.org"); return err }},
			{"UpdateUser", func(tx *store.Tx) error { return tx.UpdateUser(ctx, &store.User{ID: 404}) }},
			{"ProjectByID", func(tx *store.Tx) error { _, err := tx.ProjectByID(ctx, 404); return err }},
			{"ProjectBySlug", func(tx *store.Tx) error { _, err := tx.ProjectBySlug(ctx, "nope"); return err }},
			{"UpdateProject", func(tx *store.Tx) error { return tx.UpdateProject(ctx, &store.Project{ID: 404, Settings: "{}"}) }},
			{"NextCaseNumber", func(tx *store.Tx) error { _, err := tx.NextCaseNumber(ctx, 404); return err }},
			{"Membership", func(tx *store.Tx) error { _, err := tx.Membership(ctx, 404, 404); return err }},
			{"RemoveMember", func(tx *store.Tx) error { return tx.RemoveMember(ctx, 404, 404) }},
			{"InvitationByHash", func(tx *store.Tx) error { _, err := tx.InvitationByHash(ctx, "nope", now); return err }},
			{"AcceptInvitation", func(tx *store.Tx) error { return tx.AcceptInvitation(ctx, 404, 404, now) }},
			{"RevokeInvitation", func(tx *store.Tx) error { return tx.RevokeInvitation(ctx, 404, 404, now) }},
			{"CaseByKey", func(tx *store.Tx) error { _, err := tx.CaseByKey(ctx, "NOPE-1", false); return err }},
			{"UpdateCase", func(tx *store.Tx) error { return tx.UpdateCase(ctx, &store.Case{ID: 404}) }},
			{"SessionByHash", func(tx *store.Tx) error { _, err := tx.SessionByHash(ctx, "nope", now); return err }},
			{"APITokenByHash", func(tx *store.Tx) error { _, err := tx.APITokenByHash(ctx, "nope"); return err }},
			{"RevokeAPIToken", func(tx *store.Tx) error { return tx.RevokeAPIToken(ctx, 404, 404, now) }},
			{"UseSetupToken", func(tx *store.Tx) error { return tx.UseSetupToken(ctx, "nope", now) }},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				// A write transaction, since some of these are updates; the
				// error rolls it back.
				if err := s.Write(ctx, tc.op); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s on a missing row = %v, want ErrNotFound", tc.name, err)
				}
			})
		}
	})
}

// TestConcurrentCaseCreation has writers race for one project's numbers,
// as replicas behind a load balancer would: every case must get its own
// number, with none skipped, and the audit chain must stay intact.
func TestConcurrentCaseCreation(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		p := mkProject(t, s, "acme")
		const workers, perWorker = 8, 10
		var mu sync.Mutex
		var numbers []int64
		keys := map[string]bool{}
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWorker {
					c := &store.Case{Title: fmt.Sprintf("worker %d case %d", w, i)}
					err := s.Write(ctx, func(tx *store.Tx) error {
						if err := createCase(tx, p, c); err != nil {
							return err
						}
						e, err := audit.NewEvent(now, 0, "test", "case.create", nil, nil)
						if err != nil {
							return err
						}
						e.CaseID = c.ID
						return tx.AppendEvent(ctx, e)
					})
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					numbers = append(numbers, c.Number)
					if keys[c.Key] {
						t.Errorf("key %s handed out twice", c.Key)
					}
					keys[c.Key] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent create: %v", err)
		}
		slices.Sort(numbers)
		want := make([]int64, workers*perWorker)
		for i := range want {
			want[i] = int64(i + 1)
		}
		if diff := cmp.Diff(want, numbers); diff != "" {
			t.Errorf("case numbers (-want +got):\n%s", diff)
		}
		read(t, s, func(tx *store.Tx) error {
			var v audit.Verifier
			if err := tx.WalkEvents(ctx, v.Next); err != nil {
				return err
			}
			seq, hash, err := tx.AuditHead(ctx)
			if err != nil {
				return err
			}
			if err := v.Finish(seq, hash); err != nil {
				return err
			}
			if v.Count() != workers*perWorker {
				t.Errorf("%d events, want %d", v.Count(), workers*perWorker)
			}
			return nil
		})
	})
}

func TestSchemaVersion(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		v, err := s.SchemaVersion(context.Background())
		if err != nil || v != s.LatestSchemaVersion() || v < 1 {
			t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, s.LatestSchemaVersion())
		}
	})
}
