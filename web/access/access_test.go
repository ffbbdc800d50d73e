package access_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/impshim/impshim/web/access"
)

func TestHostAllowed(t *testing.T) {
	p := &access.Policy{Hosts: []string{"impshim.test"}}
	for host, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "192.168.1.5:8080": true, "localhost:8080": true,
		"app.localhost": true, "LOCALHOST": true, "impshim:8080": true, "impshim.test:8080": true, "IMPSHIM.TEST": true,
		"attacker.example:8080": false, "127.0.0.1.nip.io:8080": false, "": false, "evil.com": false,
	} {
		assert.Equal(t, want, p.HostAllowed(host), host)
	}
	assert.False(t, (*access.Policy)(nil).HostAllowed("impshim.test"), "a nil policy trusts only the defaults")
}

func TestOriginAllowed(t *testing.T) {
	p := &access.Policy{Origins: []string{"https://shop.test:8443"}}
	tests := []struct {
		origin, host string
		want         bool
	}{
		{"", "127.0.0.1:8080", true}, // not a cross-site browser request
		{"http://127.0.0.1:8080", "127.0.0.1:8080", true},
		{"http://localhost:3000", "127.0.0.1:8080", true}, // a merchant page on another port
		{"http://127.0.0.1:5173", "127.0.0.1:8080", true},
		{"http://[::1]:3000", "127.0.0.1:8080", true},
		{"http://shop.localhost:3000", "127.0.0.1:8080", true},
		{"https://shop.test:8443", "127.0.0.1:8080", true},
		{"https://shop.test", "127.0.0.1:8080", false},
		{"https://evil.example", "127.0.0.1:8080", false},
		{"http://impshim.test:8080", "impshim.test:8080", true}, // the server's own name
		{"null", "127.0.0.1:8080", false},
		{"file://", "127.0.0.1:8080", false},
		{"http://10.255.255.1:3000", "127.0.0.1:8080", false}, // not this machine
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, p.OriginAllowed(tc.origin, tc.host), "%s → %s", tc.origin, tc.host)
	}
	assert.True(t, (&access.Policy{Origins: []string{"null"}}).OriginAllowed("null", "127.0.0.1:8080"))
}

func TestExposed(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": false, "localhost:0": false, "[::1]:8080": false,
		":8080": true, "0.0.0.0:8080": true, "192.168.1.5:8080": true, "[::]:8080": true,
	} {
		assert.Equal(t, want, access.Exposed(addr), addr)
	}
}
