// SPDX-License-Identifier: AGPL-3.0-or-later

package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// build compiles the server the way a release would be built and returns
// the binary's path.
func build(outDir string) (string, error) {
	bin, err := filepath.Abs(filepath.Join(outDir, "embargo"))
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/embargo")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/embargo: %v\n%s", err, out)
	}
	return bin, nil
}

// server is a running "embargo serve".
type server struct {
	cmd     *exec.Cmd
	URL     string
	logPath string
	done    chan struct{}
	waitErr error
	// Ready is how long the process took from exec to its first 200 on
	// /readyz.
	Ready time.Duration
}

// startServer runs the binary on a free loopback port against dataDir and
// waits for /readyz, timing the start-up. env adds EMBARGO_* settings
// (KEY=value) to the otherwise clean environment.
func startServer(bin, dataDir string, env ...string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logPath := filepath.Join(filepath.Dir(dataDir), filepath.Base(dataDir)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", dataDir)
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	s := &server{cmd: cmd, URL: "http://" + addr, logPath: logPath, done: make(chan struct{})}

	// A client that never reuses connections: each probe is a fresh
	// connect, as a load balancer's health check is.
	probe := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.waitErr = cmd.Wait(); close(s.done) }()
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("server exited during start-up: %v\n%s", s.waitErr, readLog(logPath))
		default:
		}
		resp, err := probe.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.Ready = time.Since(start)
				return s, nil
			}
		}
		if time.Since(start) > 30*time.Second {
			s.Stop()
			return nil, fmt.Errorf("server not ready after 30s\n%s", readLog(logPath))
		}
		time.Sleep(500 * time.Microsecond)
	}
}

// Stop sends SIGTERM and reports anything but a prompt, clean exit.
func (s *server) Stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return errors.New("server did not stop within 20s of SIGTERM")
	}
	if s.waitErr != nil {
		return fmt.Errorf("server exited with %v\n%s", s.waitErr, readLog(s.logPath))
	}
	return nil
}

// memory returns the process's resident set now and at its peak, in bytes,
// from /proc/PID/status.
func (s *server) memory() (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		fields := strings.Fields(v) // "12345 kB"
		if len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if k == "VmRSS" {
			rss = n * 1024
		} else {
			peak = n * 1024
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS in /proc status")
	}
	return rss, peak, sc.Err()
}

func readLog(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// cleanEnv drops EMBARGO_* settings, so the operator's shell cannot change
// what is measured.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EMBARGO_") {
			env = append(env, kv)
		}
	}
	return env
}
