// Package access decides who may reach the sandbox server: which Host names it answers to and
// which browser origins may call the endpoints that need no token (the bridge's /sdk/sandbox/).
// docs/trust.md explains the model; in short:
//
//   - Host: an IP address (v4 or v6), "localhost" or a "*.localhost" name, a single-label name
//     (a docker-compose service, the machine's own name), or a name given with -allow-host.
//     Anything else is refused, which stops DNS rebinding: a web page cannot make its own
//     domain name resolve to 127.0.0.1 and then talk to the sandbox as itself.
//   - Origin (sent by browsers on cross-origin requests and on every POST): the server's own
//     (the demo page, the mock window), any page served from this machine — a loopback address,
//     localhost, or one of this machine's own IP addresses, on any port (a merchant's dev
//     server next to the sandbox) — or one given with -allow-origin. A request without an Origin
//     is not a cross-site browser request (curl, a merchant's server, a test) and passes.
package access

import (
	"net"
	"net/url"
	"strings"
	"sync"
)

// Policy is what the server trusts beyond the defaults above. The zero value trusts only them.
type Policy struct {
	// Hosts are extra names the server may be reached by ("impshim.test"), without port.
	Hosts []string
	// Origins are extra page origins trusted to call the bridge ("https://shop.test:8443",
	// or "null" for pages opened from file://).
	Origins []string
}

// Parse splits a comma-separated flag value.
func Parse(list string) []string {
	var out []string
	for _, v := range strings.Split(list, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// HostAllowed reports whether a request's Host header (host[:port]) names this server.
func (p *Policy) HostAllowed(hostport string) bool {
	host := hostOnly(hostport)
	if host == "" {
		return false
	}
	// No outside page owns an IP literal, localhost, or a name without a dot (public DNS
	// names have one; a rebinding attack needs a name the attacker controls).
	if net.ParseIP(host) != nil || isLocalhostName(host) || !strings.Contains(strings.TrimSuffix(host, "."), ".") {
		return true
	}
	if p != nil {
		for _, h := range p.Hosts {
			if strings.EqualFold(h, host) {
				return true
			}
		}
	}
	return false
}

// OriginAllowed reports whether a page of that origin may call the bridge of the server that
// the request (with that Host) reached. "" (no Origin header) is allowed.
func (p *Policy) OriginAllowed(origin, requestHost string) bool {
	if origin == "" {
		return true
	}
	if p != nil {
		for _, o := range p.Origins {
			if strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
				return true
			}
		}
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
		return false // "null", file:, chrome-extension:, …
	}
	if strings.EqualFold(u.Host, requestHost) {
		return true // the server's own pages
	}
	host := u.Hostname()
	if isLocalhostName(host) {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ownIP(ip))
}

// Exposed reports whether a listen address can be reached from other machines, for the
// startup warning: anything but a loopback address or localhost.
func Exposed(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if isLocalhostName(host) {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// isLocalhostName: "localhost" and its subdomains always resolve to loopback (RFC 6761; browsers
// hard-wire it), so no outside page can own them.
func isLocalhostName(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

var (
	ownOnce sync.Once
	own     []net.IP
)

// ownIP reports whether ip is one of this machine's addresses: a page served from it is served
// by this machine, as a loopback one is (a phone on the LAN testing redirect mode opens the
// merchant's dev server by the machine's LAN address).
func ownIP(ip net.IP) bool {
	ownOnce.Do(func() {
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				own = append(own, n.IP)
			}
		}
	})
	for _, o := range own {
		if o.Equal(ip) {
			return true
		}
	}
	return false
}
