// Command tls-probe dials one listener the way a peer would and prints what happened as one JSON line.
//
// Modes:
//
//	tcp  ADDR                               a TCP connection only (is anything listening here?)
//	grpc ADDR SERVERNAME CA [CERT KEY]      TLS (ALPN h2), then the HTTP/2 preface; accepted when the server's
//	                                        SETTINGS frame comes back
//	http ADDR SERVERNAME CA [CERT KEY]      TLS (ALPN http/1.1), then GET /; accepted when a status line comes back
//	plain-http ADDR                         GET / without TLS; accepted when a status line comes back
//
// The server's certificate is always verified against CA and SERVERNAME, so a refusal is the server refusing
// the client (its certificate, or its absence), never the client refusing the server. Standard library only.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

type result struct {
	Accepted bool   `json:"accepted"`
	Stage    string `json:"stage"`
	Error    string `json:"error,omitempty"`
	Proto    string `json:"proto,omitempty"`
	Version  string `json:"tlsVersion,omitempty"`
	Answer   string `json:"answer,omitempty"`
}

func fail(stage string, err error) result { return result{Stage: stage, Error: err.Error()} }

func tlsConfig(serverName, ca, cert, key string, proto string) (*tls.Config, error) {
	pem, err := os.ReadFile(ca)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("no certificate in " + ca)
	}
	cfg := &tls.Config{RootCAs: pool, ServerName: serverName, NextProtos: []string{proto}}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, err
		}
		// Present the certificate whatever CAs the server says it accepts (Go's client would otherwise send none
		// when its issuer is not among them): the server, not the client, must refuse it.
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &pair, nil }
	}
	return cfg, nil
}

// exchange writes the protocol's first bytes and reads the server's first answer.
func exchange(conn net.Conn, mode string) result {
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if mode == "grpc" {
		// Client preface and an empty SETTINGS frame; a gRPC server answers with its own SETTINGS frame (type 4).
		if _, err := io.WriteString(conn, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00"); err != nil {
			return fail("write", err)
		}
		head := make([]byte, 9)
		if _, err := io.ReadFull(conn, head); err != nil {
			return fail("read", err)
		}
		if head[3] != 4 {
			return result{Stage: "read", Error: fmt.Sprintf("first HTTP/2 frame of type %d, not SETTINGS", head[3])}
		}
		return result{Accepted: true, Stage: "done", Answer: "HTTP/2 SETTINGS"}
	}
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"); err != nil {
		return fail("write", err)
	}
	reader := bufio.NewReader(conn)
	line, err := reader.ReadString('\n')
	if err != nil {
		return fail("read", err)
	}
	if !strings.HasPrefix(line, "HTTP/1.") {
		return result{Stage: "read", Error: "no HTTP status line: " + line}
	}
	// The status line and the body's last line (Go's servers say why they answer 400 there).
	rest, _ := io.ReadAll(io.LimitReader(reader, 4096))
	lines := strings.Split(strings.TrimSpace(string(rest)), "\n")
	return result{Accepted: true, Stage: "done", Answer: strings.TrimSpace(line) + " | " + strings.TrimSpace(lines[len(lines)-1])}
}

func probe(args []string) result {
	if len(args) < 2 {
		return result{Stage: "usage", Error: "tls-probe tcp|grpc|http|plain-http ADDR [SERVERNAME CA [CERT KEY]]"}
	}
	mode, addr := args[0], args[1]
	raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return fail("dial", err)
	}
	defer raw.Close()
	switch mode {
	case "tcp":
		return result{Accepted: true, Stage: "done"}
	case "plain-http":
		return exchange(raw, "http")
	}
	if len(args) < 4 {
		return result{Stage: "usage", Error: mode + " needs SERVERNAME and CA"}
	}
	var cert, key string
	if len(args) >= 6 {
		cert, key = args[4], args[5]
	}
	proto := map[string]string{"grpc": "h2", "http": "http/1.1"}[mode]
	cfg, err := tlsConfig(args[2], args[3], cert, key, proto)
	if err != nil {
		return fail("config", err)
	}
	conn := tls.Client(raw, cfg)
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if err := conn.Handshake(); err != nil {
		return fail("handshake", err)
	}
	st := conn.ConnectionState()
	r := exchange(conn, mode)
	r.Proto = st.NegotiatedProtocol
	r.Version = tls.VersionName(st.Version)
	return r
}

func main() {
	out, _ := json.Marshal(probe(os.Args[1:]))
	fmt.Println(string(out))
}
