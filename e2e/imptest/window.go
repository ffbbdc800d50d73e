package imptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// WaitWindow waits until the payment window is visible and takes clicks, and returns what it shows.
func WaitWindow() chromedp.Action[Window] {
	return func(ctx context.Context, t *chromedp.Target) (Window, error) {
		l := newLooker(t)
		defer l.release()
		w, err := l.wait(ctx)
		if err != nil {
			return Window{}, err
		}
		return w.win, nil
	}
}

// Visible reports whether a payment window shows right now, without waiting:
// for checks that a request failed before any window opened.
func Visible() chromedp.Action[bool] {
	return func(ctx context.Context, t *chromedp.Target) (bool, error) {
		l := newLooker(t)
		defer l.release()
		w, err := l.once(ctx)
		return w != nil, err
	}
}

// Approve waits for the window, clicks its approve button and waits until the SDK has answered.
func Approve() chromedp.Action[chromedp.Void] { return press("approve") }

// Fail waits for the window, clicks its fail button and waits until the SDK has answered.
func Fail() chromedp.Action[chromedp.Void] { return press("fail") }

// Cancel waits for the window, clicks its cancel button and waits until the SDK has answered.
func Cancel() chromedp.Action[chromedp.Void] { return press("cancel") }

func press(button string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		l := newLooker(t)
		defer l.release()
		w, err := l.wait(ctx)
		if err != nil {
			return err
		}
		x, y, err := w.point(ctx, button)
		if err != nil {
			return err
		}
		if err := w.click(ctx, x, y); err != nil {
			return wrap("clicking "+button, err)
		}
		return w.waitGone(ctx)
	})
}

// Where a window can be: the page's own world (which reaches same-origin overlay iframes), an
// iframe of another origin (reached through an isolated world of that frame), or a popup.
type placeKind int

const (
	inPage placeKind = iota
	inFrame
	inRemoteFrame // an iframe of another site: its own target, in its own renderer process
	inPopup
)

// shown is a window that a looker found.
type shown struct {
	win      Window
	kind     placeKind
	t        *chromedp.Target // the page
	frameID  cdp.FrameID      // inFrame
	world    runtime.ExecutionContextID
	session  context.Context // inPopup, inRemoteFrame: attached to that target
	targetID target.ID
}

func (w *shown) eval(ctx context.Context, js string) ([]byte, error) {
	switch w.kind {
	case inPopup, inRemoteFrame:
		return chromedp.Run(w.session, chromedp.Evaluate[[]byte](js))
	case inFrame:
		return chromedp.Evaluate[[]byte](js, inWorld(w.world))(ctx, w.t)
	}
	return chromedp.Evaluate[[]byte](js)(ctx, w.t)
}

func (w *shown) click(ctx context.Context, x, y float64) error {
	if w.kind == inPopup {
		return chromedp.Do(w.session, chromedp.MouseClickXY(x, y))
	}
	// A click on the page at the frame's position is routed into the frame, as a person's is.
	_, err := chromedp.MouseClickXY(x, y)(ctx, w.t)
	return err
}

// point is where a click lands on the button, in the coordinates of the target that gets the click.
func (w *shown) point(ctx context.Context, button string) (float64, float64, error) {
	raw, err := w.eval(ctx, buttonJS(button, w.kind == inPage))
	if err != nil {
		return 0, 0, wrap("finding the "+button+" button", err)
	}
	var at struct {
		X, Y    float64
		Problem string
	}
	if err := json.Unmarshal(raw, &at); err != nil {
		return 0, 0, err
	}
	if at.Problem != "" {
		return 0, 0, errors.New("imptest: cannot click [data-impshim=" + button + "]: " + at.Problem)
	}
	if w.kind == inPage || w.kind == inPopup {
		return at.X, at.Y, nil
	}
	// The frame's content box on the page, plus the button's place inside the frame.
	owner, err := cdp.Call(ctx, w.t, dom.GetFrameOwner, dom.GetFrameOwnerParams{FrameID: w.frameID})
	if err != nil {
		return 0, 0, wrap("finding the window's iframe", err)
	}
	box, err := cdp.Call(ctx, w.t, dom.GetBoxModel, dom.GetBoxModelParams{BackendNodeID: owner.BackendNodeID})
	if err != nil || box.Model == nil || len(box.Model.Content) < 2 {
		return 0, 0, wrap("measuring the window's iframe", err)
	}
	return box.Model.Content[0] + at.X, box.Model.Content[1] + at.Y, nil
}

// waitGone waits until the SDK has taken the window down — the overlay iframe removed, the popup
// closed — which it does in the same task that calls the merchant's callback. The window hides
// itself a moment earlier, so waiting for that alone would race the callback.
func (w *shown) waitGone(ctx context.Context) error {
	for n := 0; !w.gone(ctx); n++ {
		if err := sleep(ctx, pollDelay(n)); err != nil {
			return fmt.Errorf("imptest: the payment window stayed open after the click: %w", err)
		}
	}
	return nil
}

func (w *shown) gone(ctx context.Context) bool {
	switch w.kind {
	case inRemoteFrame:
		return !frameShown(ctx, w.t, w.frameID)
	case inPopup:
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			return false
		}
		for _, info := range infos {
			if info.TargetID == w.targetID {
				return false
			}
		}
		return true
	case inFrame:
		return !frameShown(ctx, w.t, w.frameID)
	}
	// An error means the page navigated away (redirect mode): gone too.
	open, err := chromedp.Evaluate[bool](windowFrameJS)(ctx, w.t)
	return err != nil || !open
}

// frameShown reports whether the page still shows the iframe of the frame: it is in the page and
// has a box. The SDK takes the overlay down in the callback's task by hiding it (display: none,
// kept as the spare for the next request) or by removing it; either way it is gone.
func frameShown(ctx context.Context, t *chromedp.Target, id cdp.FrameID) bool {
	owner, err := cdp.Call(ctx, t, dom.GetFrameOwner, dom.GetFrameOwnerParams{FrameID: id})
	if err != nil {
		return false // detached
	}
	// A display: none element has no box model.
	box, err := cdp.Call(ctx, t, dom.GetBoxModel, dom.GetBoxModelParams{BackendNodeID: owner.BackendNodeID})
	return err == nil && box.Model != nil && box.Model.Width > 0 && box.Model.Height > 0
}

// pollDelay is the pause before look n+1 while waiting for a window or for it to go: what is
// waited for usually comes within milliseconds, so the first looks come quickly (1, 2, 4, 8,
// 16 ms); then every 25 ms, which bounds the DevTools traffic of a long wait.
func pollDelay(n int) time.Duration {
	if n >= 5 {
		return 25 * time.Millisecond
	}
	return time.Millisecond << n
}

func inWorld(id runtime.ExecutionContextID) chromedp.EvaluateOption {
	return func(p *runtime.EvaluateParams) { p.ContextID = id }
}

// looker searches a page, its frames and its popups, remembering the worlds and popup sessions it
// made so that polling does not make new ones each time.
type looker struct {
	t        *chromedp.Target
	worlds   map[cdp.FrameID]runtime.ExecutionContextID
	sessions map[target.ID]context.Context
	cancels  []context.CancelFunc
}

func newLooker(t *chromedp.Target) *looker {
	return &looker{t: t, worlds: map[cdp.FrameID]runtime.ExecutionContextID{}, sessions: map[target.ID]context.Context{}}
}

func (l *looker) release() {
	for _, c := range l.cancels {
		c()
	}
}

func (l *looker) wait(ctx context.Context) (*shown, error) {
	for n := 0; ; n++ {
		w, err := l.once(ctx)
		if w != nil || err != nil {
			return w, err
		}
		if err := sleep(ctx, pollDelay(n)); err != nil {
			return nil, fmt.Errorf("imptest: no visible [data-impshim=window] in the page, its iframes or a popup: %w", err)
		}
	}
}

func (l *looker) once(ctx context.Context) (*shown, error) {
	if raw, err := chromedp.Evaluate[[]byte](windowJS(true))(ctx, l.t); err == nil && string(raw) != "null" {
		w := &shown{kind: inPage, t: l.t}
		return w, json.Unmarshal(raw, &w.win)
	}
	if w := l.inFrames(ctx); w != nil {
		return w, nil
	}
	return l.inTargets(ctx)
}

// inFrames looks into each iframe through an isolated world of its own, which reaches documents
// of another origin that the page's scripts cannot (imp.js served from another host or port).
func (l *looker) inFrames(ctx context.Context) *shown {
	tree, err := cdp.Call(ctx, l.t, page.GetFrameTree, cdp.Empty{})
	if err != nil || tree.FrameTree == nil {
		return nil
	}
	var frames []cdp.FrameID
	var walk func(*page.FrameTree)
	walk = func(n *page.FrameTree) {
		for _, c := range n.ChildFrames {
			frames = append(frames, c.Frame.ID)
			walk(c)
		}
	}
	walk(tree.FrameTree)
	for _, id := range frames {
		world, ok := l.worlds[id]
		if !ok {
			res, err := cdp.Call(ctx, l.t, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: id, WorldName: "imptest"})
			if err != nil {
				continue // a frame of another site lives in its own process; not reachable from here
			}
			world = res.ExecutionContextID
			l.worlds[id] = world
		}
		raw, err := chromedp.Evaluate[[]byte](windowJS(false), inWorld(world))(ctx, l.t)
		if err != nil {
			delete(l.worlds, id) // the frame navigated; make a new world next time
			continue
		}
		if string(raw) != "null" {
			w := &shown{kind: inFrame, t: l.t, frameID: id, world: world}
			if json.Unmarshal(raw, &w.win) == nil {
				w.win.Mode = "iframe"
				return w
			}
		}
	}
	return nil
}

// framed reports whether the frame belongs to the page: it has an owner element in it.
func (l *looker) framed(ctx context.Context, id cdp.FrameID) bool {
	_, err := cdp.Call(ctx, l.t, dom.GetFrameOwner, dom.GetFrameOwnerParams{FrameID: id})
	return err == nil
}

func (l *looker) inTargets(ctx context.Context) (*shown, error) {
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		return nil, nil
	}
	for _, info := range infos {
		popup := info.Type == "page" && info.OpenerID == l.t.TargetID
		// An out-of-process iframe's target id is its frame id; keep those of this page only.
		remote := info.Type == "iframe" && l.framed(ctx, cdp.FrameID(info.TargetID))
		if !popup && !remote {
			continue
		}
		pctx, ok := l.sessions[info.TargetID]
		if !ok {
			// Detach, never close, on release: closing the popup would cancel the payment.
			var cancel context.CancelFunc
			pctx, cancel = chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
			l.sessions[info.TargetID] = pctx
			l.cancels = append(l.cancels, cancel)
		}
		raw, err := chromedp.Run(pctx, chromedp.Evaluate[[]byte](windowJS(false)))
		if err == nil && string(raw) != "null" {
			w := &shown{kind: inPopup, t: l.t, session: pctx, targetID: info.TargetID}
			err := json.Unmarshal(raw, &w.win)
			w.win.Mode = "popup"
			if remote {
				w.kind, w.frameID, w.win.Mode = inRemoteFrame, cdp.FrameID(info.TargetID), "iframe"
			}
			return w, err
		}
	}
	return nil, nil
}

// windowFrameJS reports whether the page still shows the overlay iframe the window was found in
// (removed or hidden by the SDK, which may keep it as a spare, in the callback's task), or a
// visible window in the page itself.
const windowFrameJS = `(() => {
	const f = window[Symbol.for("imptest.frame")];
	if (f) {
		const r = f.getBoundingClientRect();
		return f.isConnected && r.width > 0 && r.height > 0 && (!f.checkVisibility || f.checkVisibility({visibilityProperty: true}));
	}
	const w = document.querySelector("[data-impshim=window]");
	return !!w && !w.hidden;
})()`

// windowJS finds the visible [data-impshim=window] in the document (and, with frames, in its
// same-origin iframes) and reports what it shows; null when there is none.
func windowJS(frames bool) string {
	scan := "false"
	if frames {
		scan = "true"
	}
	return `(() => {
	const shown = (el) => {
		const r = el.getBoundingClientRect();
		return r.width > 0 && r.height > 0 &&
			(el.checkVisibility ? el.checkVisibility({checkOpacity: true, visibilityProperty: true}) : true);
	};
	const places = [{doc: document, mode: "page", frame: null}];
	if (` + scan + `) for (const f of document.querySelectorAll("iframe")) {
		let doc = null;
		try { doc = f.contentDocument; } catch (e) {}
		if (doc) places.push({doc, mode: "iframe", frame: f});
	}
	for (const p of places) {
		const w = p.doc.querySelector("[data-impshim=window]");
		if (!w || !shown(w) || (p.frame && !shown(p.frame))) continue;
		const q = (name) => p.doc.querySelector("[data-impshim=" + name + "]");
		const text = (el) => el ? el.textContent.trim() : "";
		const pg = q("pg"), amount = q("amount");
		window[Symbol.for("imptest.frame")] = p.frame; // for windowFrameJS
		return {Mode: p.mode, PG: pg ? pg.getAttribute("data-code") || "" : "", PGName: text(pg),
			MID: text(q("mid")), Amount: amount ? Number(amount.getAttribute("data-value")) || 0 : 0,
			AmountText: text(amount), Text: w.innerText.trim()};
	}
	return null;
})()`
}

// buttonJS returns the point where a click lands on the button, or why it would not: in the
// coordinates of the top page when frames are scanned, else of the document's own viewport.
func buttonJS(name string, frames bool) string {
	scan := "false"
	if frames {
		scan = "true"
	}
	return `(() => {
	const sel = "[data-impshim=` + name + `]";
	const places = [{doc: document, frame: null}];
	if (` + scan + `) for (const f of document.querySelectorAll("iframe")) {
		let doc = null;
		try { doc = f.contentDocument; } catch (e) {}
		if (doc && doc.querySelector("[data-impshim=window]")) places.push({doc, frame: f});
	}
	for (const p of places.reverse()) {
		const w = p.doc.querySelector("[data-impshim=window]");
		const b = p.doc.querySelector(sel);
		if (!w || !b) continue;
		b.scrollIntoView({block: "center", inline: "center"});
		const r = b.getBoundingClientRect();
		if (r.width === 0 || r.height === 0) return {Problem: "the button has no size (hidden?)"};
		const lx = r.left + r.width / 2, ly = r.top + r.height / 2;
		const hit = p.doc.elementFromPoint(lx, ly);
		if (!hit || (hit !== b && !b.contains(hit)))
			return {Problem: "the button is covered by <" + (hit ? hit.tagName.toLowerCase() + (hit.id ? "#" + hit.id : "") : "nothing") + ">"};
		if (!p.frame) return {X: lx, Y: ly};
		const fr = p.frame.getBoundingClientRect(), cs = getComputedStyle(p.frame);
		const x = fr.left + p.frame.clientLeft + parseFloat(cs.paddingLeft) + lx;
		const y = fr.top + p.frame.clientTop + parseFloat(cs.paddingTop) + ly;
		const top = document.elementFromPoint(x, y);
		if (top !== p.frame) return {Problem: "the overlay iframe is covered by <" + (top ? top.tagName.toLowerCase() : "nothing") + "> on the page"};
		return {X: x, Y: y};
	}
	return {Problem: "no " + sel + " in the window"};
})()`
}
