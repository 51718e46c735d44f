"""Geometry for drawing the body map: cubic Bezier chains, Coons patches and SVG path data.

Points are (x, y) in screen coordinates (x right, y down). A ``Chain`` is a run of cubic Bezier
segments parametrised by arc-length fraction; a ``Patch`` maps (s, f) in the unit square onto the
area between four chains, so regions cut from one patch share their edges exactly. ``path_d``
writes a loop of chains as compact relative SVG path data, rounded to tenths.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

Pt = tuple[float, float]
Seg = tuple[Pt, Pt, Pt, Pt]  # cubic Bezier: start, two control points, end
Edges = Callable[[], list["Chain"]]  # a region's closed outline, built lazily


def add(a: Pt, b: Pt) -> Pt:
    return (a[0] + b[0], a[1] + b[1])


def sub(a: Pt, b: Pt) -> Pt:
    return (a[0] - b[0], a[1] - b[1])


def mul(a: Pt, k: float) -> Pt:
    return (a[0] * k, a[1] * k)


def lerp(a: Pt, b: Pt, t: float) -> Pt:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def dist(a: Pt, b: Pt) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def unit(a: Pt) -> Pt:
    n = math.hypot(a[0], a[1])
    return (a[0] / n, a[1] / n) if n else (0.0, 0.0)


def perp(a: Pt) -> Pt:  # rotate +90 deg in screen coordinates (x right, y down): (x,y)->(-y,x)
    return (-a[1], a[0])


def bez(seg: Seg, t: float) -> Pt:
    p0, p1, p2, p3 = seg
    mt = 1 - t
    a = mt * mt * mt
    b = 3 * mt * mt * t
    c = 3 * mt * t * t
    d = t * t * t
    return (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])


def split_seg(seg: Seg, t: float) -> tuple[Seg, Seg]:
    p0, p1, p2, p3 = seg
    a = lerp(p0, p1, t)
    b = lerp(p1, p2, t)
    c = lerp(p2, p3, t)
    d = lerp(a, b, t)
    e = lerp(b, c, t)
    f = lerp(d, e, t)
    return (p0, a, d, f), (f, e, c, p3)


def seg_part(seg: Seg, t0: float, t1: float) -> Seg:
    if t0 <= 0 and t1 >= 1:
        return seg
    if t0 > 0:
        _, seg = split_seg(seg, t0)
        t1 = (t1 - t0) / (1 - t0)
    if t1 < 1:
        seg, _ = split_seg(seg, t1)
    return seg


class Chain:
    """A chain of cubic Bezier segments, parametrised by arc-length fraction s in [0,1]."""

    def __init__(self, segs: Iterable[Seg]) -> None:
        self.segs = list(segs)
        assert self.segs
        self._table()

    def _table(self) -> None:
        us, ls = [0.0], [0.0]
        total = 0.0
        n = 16
        for i, seg in enumerate(self.segs):
            prev = seg[0]
            for k in range(1, n + 1):
                p = bez(seg, k / n)
                total += dist(prev, p)
                prev = p
                us.append(i + k / n)
                ls.append(total)
        self.us, self.ls, self.length = us, ls, total

    @property
    def start(self) -> Pt:
        return self.segs[0][0]

    @property
    def end(self) -> Pt:
        return self.segs[-1][3]

    def u_of(self, s: float) -> float:
        if s <= 0:
            return 0.0
        if s >= 1:
            return float(len(self.segs))
        L = s * self.length
        i = bisect.bisect_left(self.ls, L)
        l0, l1 = self.ls[i - 1], self.ls[i]
        u0, u1 = self.us[i - 1], self.us[i]
        return u0 + (u1 - u0) * ((L - l0) / (l1 - l0) if l1 > l0 else 0)

    def eval_u(self, u: float) -> Pt:
        i = min(int(u), len(self.segs) - 1)
        return bez(self.segs[i], u - i)

    def at(self, s: float) -> Pt:
        return self.eval_u(self.u_of(s))

    def sub(self, s0: float, s1: float) -> Chain:
        if s0 > s1:
            return self.sub(s1, s0).rev()
        u0, u1 = self.u_of(s0), self.u_of(s1)
        segs = []
        for i, seg in enumerate(self.segs):
            a, b = max(u0, i), min(u1, i + 1)
            if b - a > 1e-9:
                segs.append(seg_part(seg, a - i, b - i))
        return Chain(segs)

    def rev(self) -> Chain:
        return Chain([(d, c, b, a) for (a, b, c, d) in reversed(self.segs)])

    def __add__(self, other: Chain) -> Chain:
        assert dist(self.end, other.start) < 1e-6, (self.end, other.start)
        return Chain(self.segs + other.segs)

    def map(self, fn: Callable[[Pt], Pt]) -> Chain:
        return Chain([(fn(p0), fn(p1), fn(p2), fn(p3)) for p0, p1, p2, p3 in self.segs])

    def mirror(self) -> Chain:
        return self.map(mirror_x)

    def s_at_point(self, p: Pt) -> float:
        """Arc-length fraction of a vertex of the chain (exact for segment ends)."""
        for i, seg in enumerate(self.segs):
            if dist(seg[0], p) < 1e-6:
                u = i
                break
        else:
            assert dist(self.end, p) < 1e-6, p
            return 1.0
        j = bisect.bisect_left(self.us, u - 1e-12)
        return self.ls[j] / self.length

    def y_to_s(self, y: float) -> float:
        lo, hi = 0.0, 1.0
        up = self.at(1)[1] > self.at(0)[1]
        for _ in range(60):
            mid = (lo + hi) / 2
            if (self.at(mid)[1] < y) == up:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2


def mirror_x(p: Pt) -> Pt:
    """The point's mirror image across the midline x = 0."""
    return (-p[0], p[1])


def _floats(p: Pt) -> Pt:
    return (float(p[0]), float(p[1]))


def smooth(
    points: Sequence[Pt],
    t0: Pt | None = None,
    t1: Pt | None = None,
    tension: float = 1.0,
    tans_at: dict[int, Pt] | None = None,
) -> Chain:
    """A smooth chain through points; t0/t1 optional start/end tangent directions."""
    pts = [_floats(p) for p in points]
    tans_at = tans_at or {}
    n = len(pts)
    tans = []
    for i in range(n):
        if i == 0:
            t = unit(t0) if t0 else unit(sub(pts[1], pts[0]))
        elif i == n - 1:
            t = unit(t1) if t1 else unit(sub(pts[-1], pts[-2]))
        else:
            t = unit(sub(pts[i + 1], pts[i - 1]))
        tans.append(t)
    if t0 is None and n > 2:  # natural-ish end: reflect the next tangent
        d = unit(sub(pts[1], pts[0]))
        m = tans[1]
        tans[0] = unit(add(mul(d, 2), mul(m, -1)))
    if t1 is None and n > 2:
        d = unit(sub(pts[-1], pts[-2]))
        m = tans[-2]
        tans[-1] = unit(add(mul(d, 2), mul(m, -1)))
    for i, t in tans_at.items():
        tans[i] = unit(t)
    segs = []
    for i in range(n - 1):
        a, b = pts[i], pts[i + 1]
        h = dist(a, b) / 3 * tension
        segs.append((a, add(a, mul(tans[i], h)), sub(b, mul(tans[i + 1], h)), b))
    return Chain(segs)


def smooth_parts(points: Sequence[Pt], breaks: Sequence[int], t0: Pt | None = None, t1: Pt | None = None) -> list[Chain]:
    """smooth() through points, returned as pieces split at the given point indices."""
    ch = smooth(points, t0, t1)
    idx = [0, *breaks, len(points) - 1]
    return [Chain(ch.segs[idx[k] : idx[k + 1]]) for k in range(len(idx) - 1)]


def closed_smooth(points: Sequence[Pt]) -> Chain:
    pts = [_floats(p) for p in points]
    n = len(pts)
    tans = [unit(sub(pts[(i + 1) % n], pts[i - 1])) for i in range(n)]
    segs = []
    for i in range(n):
        a, b = pts[i], pts[(i + 1) % n]
        h = dist(a, b) / 3
        segs.append((a, add(a, mul(tans[i], h)), sub(b, mul(tans[(i + 1) % n], h)), b))
    return Chain(segs)


def line(a: Pt, b: Pt) -> Chain:
    return Chain([(a, lerp(a, b, 1 / 3), lerp(a, b, 2 / 3), b)])


def hermite(fn: Callable[[float], Pt], knots: Sequence[float], dom: tuple[float, float] = (0.0, 1.0)) -> Chain:
    """Chain through fn(k) for the knots, tangents from numeric derivatives of fn."""
    h = 1e-5
    lo, hi = dom

    def d(k: float) -> Pt:
        a, b = max(lo, k - h), min(hi, k + h)
        pa, pb = fn(a), fn(b)
        return mul(sub(pb, pa), 1 / (b - a))

    pts = [fn(k) for k in knots]
    ds = [d(k) for k in knots]
    segs = []
    for i in range(len(knots) - 1):
        dk = knots[i + 1] - knots[i]
        segs.append((pts[i], add(pts[i], mul(ds[i], dk / 3)), sub(pts[i + 1], mul(ds[i + 1], dk / 3)), pts[i + 1]))
    return Chain(segs)


@dataclass(frozen=True)
class YCut:
    """A cut through the points at height ya on f=fa and yb on f=fb (height linear in f between)."""

    ya: float
    yb: float
    fa: float
    fb: float


# A cut across a patch: s = a + (b-a) f given as (a, b), or a YCut.  Callers may pass a number for (a, a).
Cut = tuple[float, float] | YCut
CutArg = float | Cut


class Patch:
    """Coons patch.  f=0 side L0(s), f=1 side L1(s), s=0 side T(f), s=1 side B(f).

    Cuts are s = a + (b-a) f (given as (a, b) or a number), or a YCut.  Cells between two cuts and two f values
    share their edges exactly with their neighbours (global knots).  Optional L0s/L1s pull the interior
    towards a second curve near that side (blend exponent k)."""

    def __init__(
        self,
        T: Chain,
        B: Chain,
        L0: Chain,
        L1: Chain,
        ns: int = 3,
        nf: int = 2,
        name: str = "",
        L1s: Chain | None = None,
        L0s: Chain | None = None,
        k: float = 6,
    ) -> None:
        for p, q in ((T.start, L0.start), (T.end, L1.start), (B.start, L0.end), (B.end, L1.end)):
            assert dist(p, q) < 1e-6, (name, p, q)
        self.T, self.B, self.L0, self.L1 = T, B, L0, L1
        self.c00, self.c01, self.c10, self.c11 = T.start, T.end, B.start, B.end
        self.cuts: set[Cut] = {(0.0, 0.0), (1.0, 1.0)}
        self.fvals = {0.0, 1.0}
        self.ns, self.nf = ns, nf
        self.name = name
        self._cache: dict[tuple[YCut, float], float] = {}
        self.L1s, self.L0s, self.k = L1s, L0s, k

    def map(self, s: float, f: float) -> Pt:
        l0, l1, t, b = self.L0.at(s), self.L1.at(s), self.T.at(f), self.B.at(f)
        if self.L1s is not None:
            q = self.L1s.at(s)
            l1 = add(q, mul(sub(l1, q), f**self.k))
        if self.L0s is not None:
            q = self.L0s.at(s)
            l0 = add(q, mul(sub(l0, q), (1 - f) ** self.k))
        x = (
            (1 - f) * l0[0]
            + f * l1[0]
            + (1 - s) * t[0]
            + s * b[0]
            - ((1 - s) * (1 - f) * self.c00[0] + (1 - s) * f * self.c01[0] + s * (1 - f) * self.c10[0] + s * f * self.c11[0])
        )
        y = (
            (1 - f) * l0[1]
            + f * l1[1]
            + (1 - s) * t[1]
            + s * b[1]
            - ((1 - s) * (1 - f) * self.c00[1] + (1 - s) * f * self.c01[1] + s * (1 - f) * self.c10[1] + s * f * self.c11[1])
        )
        return (x, y)

    @staticmethod
    def cut(c: CutArg) -> Cut:
        if isinstance(c, (int, float)):
            return (float(c), float(c))
        if isinstance(c, YCut):
            return c
        return (float(c[0]), float(c[1]))

    def reg(self, c: CutArg, f: float | None = None) -> None:
        self.cuts.add(self.cut(c))
        if f is not None:
            self.fvals.add(float(f))

    def ycut(self, ya: float, yb: float, fa: float = 0.0, fb: float = 1.0) -> YCut:
        return YCut(float(ya), float(yb), float(fa), float(fb))

    def cval(self, c: Cut, f: float) -> float:
        if isinstance(c, YCut):
            key = (c, f)
            if key not in self._cache:
                y = c.ya + (c.yb - c.ya) * (f - c.fa) / (c.fb - c.fa)
                lo, hi = 0.0, 1.0
                up = self.map(1, f)[1] > self.map(0, f)[1]
                for _ in range(52):
                    m = (lo + hi) / 2
                    if (self.map(m, f)[1] < y) == up:
                        lo = m
                    else:
                        hi = m
                self._cache[key] = (lo + hi) / 2
            return self._cache[key]
        return c[0] + (c[1] - c[0]) * f

    # lazily evaluated edges
    def cutline(self, c: CutArg, f0: float, f1: float) -> Chain:
        cut = self.cut(c)
        if cut == (0.0, 0.0):
            return self.T.sub(f0, f1)
        if cut == (1.0, 1.0):
            return self.B.sub(f0, f1)
        lo, hi = min(f0, f1), max(f0, f1)
        grid = {k / self.nf for k in range(self.nf + 1)} | self.fvals
        knots = sorted(k for k in grid if lo - 1e-12 <= k <= hi + 1e-12)

        def along(f: float) -> Pt:
            return self.map(self.cval(cut, f), f)

        ch = hermite(along, knots)
        return ch if f0 <= f1 else ch.rev()

    def fline(self, f: float, s0: float, s1: float) -> Chain:
        if f == 0:
            return self.L0.sub(s0, s1)
        if f == 1:
            return self.L1.sub(s0, s1)
        lo, hi = min(s0, s1), max(s0, s1)
        grid = {k / self.ns for k in range(self.ns + 1)} | {self.cval(c, f) for c in self.cuts}
        knots = sorted(k for k in grid if lo - 1e-9 <= k <= hi + 1e-9)
        if abs(knots[0] - lo) > 1e-9:
            knots.insert(0, lo)
        if abs(knots[-1] - hi) > 1e-9:
            knots.append(hi)

        def along(s: float) -> Pt:
            return self.map(s, f)

        ch = hermite(along, knots)
        return ch if s0 <= s1 else ch.rev()

    def cell(self, ca_arg: CutArg, cb_arg: CutArg, f0: float, f1: float) -> Edges:
        """Edges (thunk) of the cell between cuts ca (upper) and cb (lower), f0..f1."""
        ca, cb = self.cut(ca_arg), self.cut(cb_arg)
        self.cuts |= {ca, cb}
        self.fvals |= {float(f0), float(f1)}

        def edges() -> list[Chain]:
            return [
                self.cutline(ca, f0, f1),
                self.fline(f1, self.cval(ca, f1), self.cval(cb, f1)),
                self.cutline(cb, f1, f0),
                self.fline(f0, self.cval(cb, f0), self.cval(ca, f0)),
            ]

        return edges

    def mid_cell(self, ca_arg: CutArg, cb_arg: CutArg, f1: float) -> Edges:
        """A cell touching f=0 on the midline (x=0), merged with its mirror image."""
        ca, cb = self.cut(ca_arg), self.cut(cb_arg)
        self.cuts |= {ca, cb}
        self.fvals |= {0.0, float(f1)}

        def edges() -> list[Chain]:
            e1 = self.cutline(ca, 0, f1)
            e2 = self.fline(f1, self.cval(ca, f1), self.cval(cb, f1))
            e3 = self.cutline(cb, f1, 0)
            return [e1, e2, e3, e3.mirror().rev(), e2.mirror().rev(), e1.mirror().rev()]

        return edges

    def loop(self, verts_arg: Sequence[tuple[CutArg, float]], merged: bool = False) -> Edges:
        """A region bounded by cut lines and f lines through the given (cut, f) corners, in order.

        merged: the corners run from the midline (f=0) back to it; the loop is closed with its mirror image."""
        verts = [(self.cut(c), float(f)) for c, f in verts_arg]
        for c, f in verts:
            self.cuts.add(c)
            self.fvals.add(f)

        def edges() -> list[Chain]:
            out = []
            pairs = list(itertools.pairwise(verts)) if merged else list(zip(verts, verts[1:] + verts[:1], strict=True))
            for (ca, fa), (cb, fb) in pairs:
                if ca == cb:
                    out.append(self.cutline(ca, fa, fb))
                elif fa == fb:
                    out.append(self.fline(fa, self.cval(ca, fa), self.cval(cb, fa)))
                else:
                    raise ValueError((self.name, ca, fa, cb, fb))
            if merged:
                assert verts[0][1] == 0 and verts[-1][1] == 0
                out += [e.mirror().rev() for e in reversed(out)]
            return out

        return edges

    def dshape(self, f_edge: float, s_a: float, s_b: float, inner: Sequence[tuple[float, float]]) -> Edges:
        """A D-shaped region against the side f=f_edge (0 or 1) between s_a and s_b, bulging through inner (s,f)."""

        def edges() -> list[Chain]:
            side = (self.L0 if f_edge == 0 else self.L1).sub(s_a, s_b)
            free = smooth([self.map(s_b, f_edge)] + [self.map(s, f) for s, f in inner] + [self.map(s_a, f_edge)])
            return [side, free]

        return edges

    def blob(self, pts_sf: Sequence[tuple[float, float]]) -> Edges:
        """A free closed smooth curve through (s, f) points (for regions drawn on top)."""

        def edges() -> list[Chain]:
            return [closed_smooth([self.map(s, f) for s, f in pts_sf])]

        return edges

    def pt(self, s: float, f: float) -> Pt:
        return self.map(s, f)


def fmt(t: int) -> str:
    """tenths (int) -> compact decimal string"""
    neg = t < 0
    t = abs(t)
    w, d = divmod(t, 10)
    s = (str(w) if w or not d else "") + ("." + str(d) if d else "")
    if not d and not w:
        s = "0"
    return ("-" if neg else "") + s


def join_nums(nums: Sequence[int]) -> str:
    out = ""
    for i, n in enumerate(nums):
        s = fmt(n)
        if i == 0 or s.startswith("-") or (s.startswith(".") and "." in fmt(nums[i - 1])):
            out += s
        else:
            out += " " + s
    return out


def path_d(chains: Sequence[Chain], xf: Callable[[Pt], Pt]) -> str:
    """SVG path data for a closed loop of chains, transformed by xf (point -> point)."""
    pts = []
    for ch in chains:
        for seg in ch.segs:
            pts.append(seg)

    def q(p: Pt) -> tuple[int, int]:  # in tenths
        return (round(xf(p)[0] * 10), round(xf(p)[1] * 10))

    x0, y0 = q(pts[0][0])
    d = "M" + join_nums([x0, y0])
    cx, cy = x0, y0
    for i, seg in enumerate(pts):
        a, b, c = q(seg[1]), q(seg[2]), q(seg[3])
        if i == len(pts) - 1:
            c = (x0, y0)
        nums = [a[0] - cx, a[1] - cy, b[0] - cx, b[1] - cy, c[0] - cx, c[1] - cy]
        d += "c" + join_nums(nums)
        cx, cy = c
    return d + "z"


def check_loop(chains: Sequence[Chain], name: str = "") -> None:
    for a, b in zip(chains, [*chains[1:], *chains[:1]], strict=True):
        assert dist(a.end, b.start) < 1e-3, (name, a.end, b.start)


def merged(half_edges_thunk: Edges) -> Edges:
    """Half outline from the midline back to the midline, closed with its mirror image."""

    def edges() -> list[Chain]:
        half = half_edges_thunk()
        return half + [e.mirror().rev() for e in reversed(half)]

    return edges
