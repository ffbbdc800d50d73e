package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/web"
)

func TestPageURL(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 9000}, "http://[::1]:9000/"},
		{&net.TCPAddr{IP: net.IPv4(192, 168, 1, 5), Port: 80}, "http://192.168.1.5:80/"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, web.PageURL(tc.addr), tc.addr.String())
	}
}

func TestServeStartsAndStopsCleanly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- web.Serve(ctx, "127.0.0.1:0", web.New(web.Options{Dist: fakeDist(t, false)}), nil, func(u string) { urls <- u })
	}()
	url := <-urls
	resp, err := http.Get(url + "sdk/imp.js")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "window.IMP = {};\n", string(body))

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	_, err = http.Get(url)
	assert.Error(t, err, "the listener is closed after shutdown")
}

func TestServeReportsABusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	err = web.Serve(context.Background(), ln.Addr().String(), http.NotFoundHandler(), nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ADDR=host:port")
	assert.ErrorIs(t, err, syscall.EADDRINUSE, "the cause is wrapped, not flattened to text")
}
