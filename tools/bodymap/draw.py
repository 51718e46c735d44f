"""Draw api/static/bodymap.svg: the body map's regions from hand-placed landmarks.

The drawing is the project's own (no copied outline). Landmarks are chosen by hand on a figure
eight heads tall; shared edges make neighbouring regions tile without gaps. Run
``python tools/bodymap/draw.py [OUT.svg]`` after changing a landmark (it writes api/static/bodymap.svg
by default); tests/test_bodymap_drawing.py checks the committed file is this script's output, and
tests/api/test_bodymap_svg.py checks it against the graph's skin regions.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

# Run as a script: its own directory is on sys.path, and the project's packages come from the
# editable install (README: pip install -e .).
from geom import (
    Chain,
    Edges,
    Patch,
    Pt,
    add,
    check_loop,
    closed_smooth,
    dist,
    lerp,
    line,
    merged,
    mul,
    path_d,
    perp,
    smooth,
    smooth_parts,
    sub,
    unit,
)

from loaders.rdf import load

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "api" / "static" / "bodymap.svg"

# ------------------------------------------------------------------ silhouette (half figure, x >= 0)
# y = 0 at the vertex; 8 heads of ~111 units.

V = (0, 0)
E_TOP, E_BOT, J = (40, 50), (38.5, 77), (21, 105)
H1, H2, H3, JAW = smooth_parts(
    [V, (21, 3.5), (34, 15), (39.5, 32), E_TOP, (39.6, 63.5), E_BOT, (36, 88), (31, 97), J, (12, 111), (4.5, 113.5), (0, 114)],
    [4, 6, 9],
    t0=(1, 0),
    t1=(-1, 0),
)
CHIN = (0, 114)
EAR = smooth([E_TOP, (43.5, 46.5), (47, 50.5), (47.6, 61), (45.3, 71.5), (42.2, 78.6), E_BOT], t0=(0.6, -1), t1=(-1, -0.2))

N, A, S_LAT = (23.5, 133), (87, 154), (114, 199)
EL_T, EL_B, W_T, W_B = (135.5, 318), (139.5, 342), (155, 438), (156.5, 448)
NECKSIDE, TRAP, DELT, ARM_L, ELB_L, FA_L, WR_L = smooth_parts(
    [
        J,
        (21.5, 116),
        (21.8, 126),
        N,
        (35, 140),
        (56, 146),
        (75, 150),
        A,
        (99.5, 158),
        (109, 168),
        (113.2, 182),
        S_LAT,
        (118, 228),
        (124.5, 264),
        (131.5, 298),
        EL_T,
        (137.5, 330),
        EL_B,
        (144.5, 362),
        (150, 395),
        (153.5, 423),
        W_T,
        W_B,
    ],
    [3, 7, 11, 15, 17, 21],
    t0=(-0.1, 1),
)

P_AX = (77, 207)
EM_T, EM_B, WM_T, WM_B = (103.5, 322), (106.5, 346), (130, 443), (131.5, 452)
ARM_M, ELB_M, FA_M, WR_M = smooth_parts(
    [P_AX, (82.5, 232), (90, 268), (98.5, 302), EM_T, (105, 334), EM_B, (110.5, 372), (119.5, 408), (128, 435), WM_T, WM_B],
    [4, 6, 10],
    t0=(0.2, 1),
)

ARM_T = smooth([S_LAT, (101, 199.5), (88.5, 202), P_AX], t1=(-0.8, 0.6))
DP = smooth([A, (82.5, 170), (78.5, 188), P_AX], t0=(-0.3, 1), t1=(-0.05, 1))

HP, G_L, KL_T, KL_B, AL_T, AL_B = (79, 382), (85, 455), (60, 615), (59.5, 655), (48, 828), (48.5, 845)
SIDE, HIP_L, TH_L, KN_L, LEG_L, ANK_L = smooth_parts(
    [
        P_AX,
        (79.5, 232),
        (77.5, 258),
        (72.5, 284),
        (67, 308),
        (66, 330),
        (69.5, 352),
        (75.5, 370),
        HP,
        (84, 402),
        (86.5, 425),
        G_L,
        (81.5, 500),
        (73.5, 552),
        (64.5, 596),
        KL_T,
        (58.8, 635),
        KL_B,
        (63, 688),
        (62.8, 714),
        (58.5, 752),
        (52.8, 792),
        (49.6, 814),
        AL_T,
        AL_B,
    ],
    [8, 11, 15, 17, 23],
    t0=(0.05, 1),
)

C = (0, 456)
KM_T, KM_B, AM_T, AM_B = (13.5, 615), (13, 655), (20.5, 828), (20.5, 845)
TH_M, KN_M, LEG_M, ANK_M = smooth_parts(
    [
        C,
        (4, 470),
        (6.5, 500),
        (9, 545),
        (11.5, 590),
        KM_T,
        (12.5, 635),
        KM_B,
        (9.8, 690),
        (10.4, 722),
        (14.5, 766),
        (18.5, 806),
        AM_T,
        AM_B,
    ],
    [5, 7, 12],
    t0=(0.35, 1),
)

CLAV = smooth([(0, 149), (20, 150.5), (45, 151), (68, 151.5), A], t0=(1, 0))
PT = (13, 418)
MONS_TOP = smooth([(0, 414), (7, 415), PT], t0=(1, 0))
INGUINAL = smooth([HP, (62, 391), (42, 401), (24, 410), PT])
GENITOFEM = smooth([PT, (12, 431), (8.5, 444), C], t0=(-0.1, 1))
KNEE_T = smooth([KL_T, (37, 618), KM_T])
KNEE_B = smooth([KL_B, (36, 658), KM_B])
ANK_T = smooth([AL_T, (34.3, 829.5), AM_T])
ANK_B = smooth([AL_B, (34.5, 846.5), AM_B])
ELB_T = smooth([EL_T, (119.5, 321), EM_T])
ELB_B = smooth([EL_B, (123, 345), EM_B])
WR_T = smooth([W_T, (142.5, 441.5), WM_T])

# back-only lines
SKULLBASE = smooth([(0, 100), (10, 100.8), J], t0=(1, 0))
C7LINE = smooth([(0, 144), (11, 140.5), N], t0=(1, 0))
S_B, PSIS = (0, 432), (18, 390)
SACRAL_BORDER = smooth([S_B, (8, 418), (14, 403), PSIS], t0=(0.55, -1))
ILIAC = smooth([PSIS, (40, 379), (62, 376.5), HP], t0=(1, -0.45), t1=(1, 0.35))
CLEFT = line(S_B, C)
GFOLD = smooth([G_L, (70, 464), (46, 470), (22, 468), (8, 462.5), C], t1=(-1, -0.5))

# ------------------------------------------------------------------ hand (local frame: a lateral, b distal)
O_H = lerp(W_B, WM_B, 0.5)
V_H = unit(sub(W_B, WM_B))
U_H = perp(V_H)  # distal along the hand
HW = dist(W_B, WM_B) / 2


def hxf(p: Pt) -> Pt:
    return add(O_H, add(mul(V_H, p[0]), mul(U_H, p[1])))


def hch(points: Sequence[Pt], t0: Pt | None = None) -> Chain:
    return smooth(points, t0=t0).map(hxf)


WR_B = hch([(HW, 0), (0, 0.8), (-HW, 0)])
IR, W1, W2, RM, W3, LU = (18.5, 45), (9.2, 48.6), (-0.6, 49.6), (-5.3, 49.1), (-10, 47.7), (-18.5, 42)
_pr = smooth([(HW, 0), (15, 10), (17.8, 22), (19.2, 34), IR], t0=(0.25, 1))
PALM_R = _pr.map(hxf)
PALM_U = hch([(-HW, 0), (-15.5, 11), (-18.8, 24), (-19.8, 35), LU], t0=(-0.3, 1))
_fb = smooth([IR, W1, W2, RM, W3, LU])
FB = [Chain([s]).map(hxf) for s in _fb.segs]  # index, middle, ring-radial, ring-ulnar, little
FINGERBASE = FB[0] + FB[1] + FB[2] + FB[3] + FB[4]


class Digit(NamedTuple):
    """A finger or toe: outline sides from the base corners R and U to the tip; c is the base midpoint."""

    rs: Chain
    us: Chain
    tip: Pt
    c: Pt


def digit(R: Pt, U: Pt, d: Pt, L: float, wt: float, wmid: float | None = None) -> Digit:
    """Outline sides of a digit with base corners R (radial/lateral) and U; axis d, length L, tip width wt."""
    c = lerp(R, U, 0.5)
    w0 = dist(R, U)
    nr = sub(R, U)
    k = nr[0] * d[0] + nr[1] * d[1]
    n = unit(sub(nr, mul(d, k)))
    wmid = wmid if wmid is not None else (w0 + wt) / 2 * 1.02
    tip = add(c, mul(d, L))
    sh = L - wt / 2
    rs = smooth(
        [R, add(add(c, mul(d, 0.5 * sh)), mul(n, wmid / 2)), add(add(c, mul(d, sh)), mul(n, wt / 2)), tip],
        t0=d,
        t1=mul(n, -1),
        tans_at={2: d},
    )
    us = smooth(
        [U, add(add(c, mul(d, 0.5 * sh)), mul(n, -wmid / 2)), add(add(c, mul(d, sh)), mul(n, -wt / 2)), tip],
        t0=d,
        t1=n,
        tans_at={2: d},
    )
    return Digit(rs, us, tip, c)


def ang(deg: float) -> Pt:
    r = math.radians(deg)
    return (math.sin(r), math.cos(r))


def hdigit(R: Pt, U: Pt, deg: float, L: float, wt: float, wmid: float | None = None) -> Digit:
    """A digit drawn in the hand's local frame, mapped onto the figure."""
    rs, us, tip, c = digit(R, U, ang(deg), L, wt, wmid)
    return Digit(rs.map(hxf), us.map(hxf), hxf(tip), hxf(c))


TH_S1, TH_S2 = 0.36, 0.7
THUMB = hdigit(_pr.at(TH_S1), _pr.at(TH_S2), 15, 34, 9.6, wmid=11.6)
INDEX = hdigit(IR, W1, 4, 37, 8.4)
MIDDLE = hdigit(W1, W2, 1, 41, 8.6)
RING = hdigit(W2, W3, -2, 38.5, 8.2)
LITTLE = hdigit(W3, LU, -6, 30, 7.2)
RING_MID = smooth([hxf(RM), RING.tip], t0=sub(RING.tip, hxf(RM)))


def digit_edges(dg: Digit, base: Chain) -> Edges:
    return lambda: [dg.rs, dg.us.rev(), base.rev()]


def along(dg: Digit, t: float) -> Pt:
    return lerp(dg.c, dg.tip, t)


def tip_edges(dg: Digit, t: float = 0.68) -> Edges:
    return lambda: [dg.rs.sub(t, 1), dg.us.sub(1, t), line(dg.us.at(t), dg.rs.at(t))]


# ------------------------------------------------------------------ feet
FOOT_L = smooth([AL_B, (52.5, 857), (56.5, 867), (59.5, 875)], t0=(0.25, 1))
FOOT_M = smooth([AM_B, (18.2, 857), (15.6, 868), (14.2, 877.5)], t0=(-0.12, 1))
TB_PTS = [(59.5, 875), (53.3, 876.8), (46.6, 878.3), (39.2, 879.3), (30.8, 879.6), (14.2, 877.5)]
_tb = smooth(TB_PTS)
TOEB = [Chain([s]) for s in _tb.segs]  # little, 4th, 3rd, 2nd, great
TOEBASE = TOEB[0] + TOEB[1] + TOEB[2] + TOEB[3] + TOEB[4]
TOES_F = [
    digit(TB_PTS[i], TB_PTS[i + 1], ang(a), L, w, wm)
    for i, (a, L, w, wm) in enumerate(
        [(8, 6.5, 5.2, 5.8), (5, 7.5, 5.9, 6.5), (2.5, 8.3, 6.5, 7.1), (0.5, 9.2, 7.2, 8.0), (-2, 10, 12.5, 16.2)]
    )
]

HEEL_L = smooth([AL_B, (49.8, 858), (46.5, 869.5)], t0=(0.1, 1))
HEEL_M = smooth([AM_B, (19.4, 858), (22.5, 869.5)], t0=(-0.08, 1))
HEEL_BOT = smooth([(46.5, 869.5), (41, 875.3), (34.5, 877), (28, 875.3), (22.5, 869.5)])

# ------------------------------------------------------------------ patches
trunk_f = Patch(CLAV, MONS_TOP + INGUINAL.rev(), line((0, 149), (0, 414)), DP + SIDE, ns=4, name="trunk_f")
trunk_b = Patch(C7LINE + TRAP, SACRAL_BORDER + ILIAC, line((0, 144), S_B), DP + SIDE, ns=4, name="trunk_b")
neck_f = Patch(JAW.rev(), CLAV, line(CHIN, (0, 149)), NECKSIDE + TRAP, name="neck_f")
neck_b = Patch(SKULLBASE, C7LINE, line((0, 100), (0, 144)), NECKSIDE, name="neck_b")
arm = Patch(ARM_T, ELB_T, ARM_L, ARM_M, name="arm")
elbow = Patch(ELB_T, ELB_B, ELB_L, ELB_M, name="elbow")
forearm = Patch(ELB_B, WR_T, FA_L, FA_M, name="forearm")
wrist = Patch(WR_T, WR_B, WR_L, WR_M, name="wrist")
palm = Patch(WR_B, FINGERBASE, PALM_R, PALM_U, name="palm")
thigh_f = Patch(
    INGUINAL,
    KNEE_T,
    HIP_L + TH_L,
    GENITOFEM + TH_M,
    ns=5,
    name="thigh_f",
    L1s=smooth([PT, (11.5, 436), (8.5, 458), (8, 480), (9, 510), (10.5, 545), (12.5, 590), KM_T], t0=(-0.1, 1)),
)
buttock = Patch(SACRAL_BORDER + ILIAC, GFOLD.rev(), CLEFT, HIP_L, name="buttock")
thigh_b = Patch(GFOLD, KNEE_T, TH_L, TH_M, name="thigh_b")
knee = Patch(KNEE_T, KNEE_B, KN_L, KN_M, name="knee")
leg = Patch(KNEE_B, ANK_T, LEG_L, LEG_M, name="leg")
ankle = Patch(ANK_T, ANK_B, ANK_L, ANK_M, name="ankle")
foot_f = Patch(ANK_B, TOEBASE, FOOT_L, FOOT_M, name="foot_f")
heel_b = Patch(ANK_B, HEEL_BOT, HEEL_L, HEEL_M, name="heel_b")

F_RM = FINGERBASE.s_at_point(hxf(RM))


# ------------------------------------------------------------------ region lists
class View:
    """One view's regions: "side" regions are drawn on both sides, "mid" ones once across the midline."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[tuple[str, Edges, str]] = []  # (region, edges thunk, mode) mode: side | mid
        self.keys: list[tuple[str, Pt, float]] = []  # (region, point, r): key points, drawn on both sides

    def side(self, region: str, edges: Edges) -> None:
        self.items.append((region, edges, "side"))

    def mid(self, region: str, edges: Edges) -> None:
        self.items.append((region, edges, "mid"))

    def key(self, region: str, p: Pt, r: float = 2.2) -> None:
        self.keys.append((region, p, r))


def const(*chains: Chain) -> Edges:
    return lambda: list(chains)


def upper_limb(v: View, front: bool) -> None:
    # shoulder cap
    v.side("shoulder", const(DELT, ARM_T, DP.rev()))
    # arm
    v.side("upper_lateral_arm", arm.loop([(0, 0), (0, 0.28), (0.46, 0.28), (0.46, 0)]))
    v.side("lower_lateral_arm", arm.loop([(0.46, 0), (0.46, 0.28), (1, 0.28), (1, 0)]))
    v.side("anterior_arm" if front else "posterior_arm", arm.cell(0, 1, 0.28, 0.72))
    v.side("medial_arm", arm.cell(0.14 if front else 0, 1, 0.72, 1))
    v.side("upper_medial_arm", arm.cell(0.14 if front else 0, 0.55, 0.72, 1))
    if front:
        v.side("axilla", arm.cell(0, 0.14, 0.72, 1))
    # elbow
    v.side("elbow", elbow.cell(0, 1, 0, 1))
    if front:
        v.side(
            "antecubital_fossa",
            elbow.blob([(0.5 + 0.44 * math.sin(t), 0.5 + 0.3 * math.cos(t)) for t in [k * math.pi / 4 for k in range(8)]]),
        )
    else:
        v.side(
            "olecranon_region",
            elbow.blob([(0.5 + 0.42 * math.sin(t), 0.47 + 0.28 * math.cos(t)) for t in [k * math.pi / 4 for k in range(8)]]),
        )
    # forearm
    v.side("lateral_forearm", forearm.cell(0, 1, 0, 0.3))
    v.side("anterior_forearm" if front else "posterior_forearm", forearm.cell(0, 1, 0.3, 0.7))
    v.side("medial_forearm", forearm.cell(0, 1, 0.7, 1))
    v.side("wrist", wrist.cell(0, 1, 0, 1))
    # hand
    if front:
        v.side("lateral_palm", palm.cell(0, 1, 0, F_RM))
        v.side("medial_palm", palm.cell(0, 1, F_RM, 1))
        v.side("thenar_eminence", palm.dshape(0, 0.1, 0.8, [(0.74, 0.3), (0.45, 0.46), (0.18, 0.34)]))
        v.side("hypothenar_eminence", palm.dshape(1, 0.1, 0.9, [(0.82, 0.8), (0.55, 0.73), (0.25, 0.78)]))
    else:
        v.side("radial_dorsum_of_hand", palm.cell(0, 1, 0, F_RM))
        v.side("ulnar_dorsum_of_hand", palm.cell(0, 1, F_RM, 1))
        v.side(
            "first_dorsal_web_space_of_hand",
            lambda: [
                PALM_R.sub(TH_S2, 1),
                FINGERBASE.sub(0, 0.13),
                smooth([FINGERBASE.at(0.13), palm.pt(0.84, 0.15), PALM_R.at(TH_S2)]),
            ],
        )
    pre = "palmar_" if front else "dorsal_"
    thumb_base = PALM_R.sub(TH_S1, TH_S2)
    v.side(pre + "thumb", digit_edges(THUMB, thumb_base))
    v.side(pre + "index_finger", digit_edges(INDEX, FB[0]))
    v.side(pre + "middle_finger", digit_edges(MIDDLE, FB[1]))
    v.side("radial_half_of_ring_finger", const(RING.rs, RING_MID.rev(), FB[2].rev()))
    v.side("ulnar_half_of_ring_finger", const(RING_MID, RING.us.rev(), FB[3].rev()))
    v.side(pre + "little_finger", digit_edges(LITTLE, FB[4]))
    v.side("tip_of_index_finger", tip_edges(INDEX))


def lower_limb_front(v: View) -> None:
    # thigh (f=0 lateral, f=1 medial)
    v.side("lateral_hip", thigh_f.cell(0, 0.17, 0, 0.2))
    v.side("lateral_thigh", thigh_f.cell(0.17, 1, 0, 0.2))
    v.side("anterior_thigh", thigh_f.cell(0, 1, 0.2, 0.8))
    v.side("medial_thigh", thigh_f.cell(0, 1, 0.8, 1))
    v.side("upper_medial_thigh", thigh_f.cell(0, 0.42, 0.8, 1))
    v.side("upper_anterior_thigh", thigh_f.cell(0, 0.27, 0.2, 0.8))
    v.side("lower_anterior_thigh", thigh_f.cell(0.74, 1, 0.3, 0.8))
    v.side("anterolateral_thigh", thigh_f.cell(0.27, 1, 0.1, 0.3))
    # knee
    v.side("lateral_knee", knee.cell(0, 1, 0, 0.24))
    v.side("anterior_knee", knee.cell(0, 1, 0.24, 0.76))
    v.side("medial_knee", knee.cell(0, 1, 0.76, 1))
    # leg
    v.side("lateral_leg", leg.cell(0, 1, 0, 0.32))
    v.side("anterior_leg", leg.cell(0, 1, 0.32, 0.66))
    v.side("medial_leg", leg.cell(0, 1, 0.66, 1))
    ankle_regions(v)
    # foot
    v.side("lateral_border_of_foot", foot_f.cell(0, 1, 0, 0.14))
    v.side("dorsum_of_foot", foot_f.cell(0, 1, 0.14, 0.86))
    v.side("medial_border_of_foot", foot_f.cell(0, 1, 0.86, 1))
    fj = TOEBASE.s_at_point(TB_PTS[4])
    v.side(
        "first_dorsal_web_space_of_foot",
        lambda: [
            TOEBASE.sub(fj - 0.1, min(fj + 0.06, 0.85)),
            smooth([TOEBASE.at(min(fj + 0.06, 0.85)), foot_f.pt(0.6, fj - 0.02), TOEBASE.at(fj - 0.1)]),
        ],
    )
    names = ["little_toe", "toes", "toes", "toes", "great_toe"]
    for dg, base, name in zip(TOES_F, TOEB, names, strict=True):
        v.side(name, const(dg.rs, dg.us.rev(), base.rev()))


def ankle_regions(v: View) -> None:
    v.side("ankle", ankle.cell(0, 1, 0, 1))
    v.side("lateral_malleolus_region", ankle.dshape(0, 0.12, 1.0, [(0.88, 0.3), (0.45, 0.33), (0.2, 0.2)]))
    v.side("medial_malleolus_region", ankle.dshape(1, 0.0, 0.88, [(0.8, 0.72), (0.45, 0.67), (0.12, 0.75)]))


def lower_limb_back(v: View) -> None:
    # buttock (f=0 medial at the cleft, f=1 lateral)
    v.side("buttock", buttock.cell(0, 1, 0, 0.86))
    v.side("upper_buttock", buttock.cell(0, 0.4, 0.3, 0.86))
    v.side("lower_buttock", buttock.cell(0.6, 1, 0.3, 0.86))
    v.side("medial_buttock", buttock.cell(0, 1, 0, 0.3))
    v.side("lateral_hip", buttock.cell(0, 1, 0.86, 1))
    # thigh (f=0 lateral)
    v.side("lateral_thigh", thigh_b.cell(0, 1, 0, 0.2))
    v.side("posterior_thigh", thigh_b.cell(0, 1, 0.2, 0.8))
    v.side("medial_thigh", thigh_b.cell(0, 1, 0.8, 1))
    # saddle and perineum
    sp = TH_M.y_to_s(474)
    v.mid(
        "saddle_region",
        merged(
            lambda: [
                smooth([(0, 436.5), (13, 439.5), (21.5, 450), (20, 465), TH_M.at(sp)], t0=(1, 0), t1=(-0.6, -1)),
                TH_M.sub(sp, 0),
            ]
        ),
    )
    v.mid("coccygeal_region", lambda: [closed_smooth([(0, 430), (3.4, 435.5), (0, 442), (-3.4, 435.5)])])
    v.mid("perineum", lambda: [closed_smooth([(0, 443.5), (6.5, 448.5), (4, 454), (0, 456), (-4, 454), (-6.5, 448.5)])])
    v.mid("perianal_region", lambda: [closed_smooth([(0, 445.6), (3.6, 449.6), (0, 453.2), (-3.6, 449.6)])])
    # knee
    v.side("knee", knee.cell(0, 1, 0, 1))
    v.side("lateral_knee", knee.cell(0, 1, 0, 0.2))
    v.side("medial_knee", knee.cell(0, 1, 0.8, 1))
    v.side(
        "popliteal_fossa_skin",
        knee.blob([(0.06, 0.5), (0.3, 0.36), (0.5, 0.27), (0.7, 0.36), (0.94, 0.5), (0.7, 0.64), (0.5, 0.73), (0.3, 0.64)]),
    )
    # leg
    v.side("lateral_leg", leg.cell(0, 1, 0, 0.2))
    v.side("posterior_leg", leg.cell(0, 1, 0.2, 0.8))
    v.side("medial_leg", leg.cell(0, 1, 0.8, 1))
    v.side("posterolateral_leg", leg.cell(0.3, 1, 0.1, 0.4))
    ankle_regions(v)
    v.side("lateral_border_of_foot", heel_b.cell(0, 1, 0, 0.16))
    v.side("heel", heel_b.cell(0, 1, 0.16, 0.84))
    v.side("medial_border_of_foot", heel_b.cell(0, 1, 0.84, 1))


def build_front() -> View:
    v = View("front")
    # head
    v.mid("head", merged(lambda: [H1, H2, H3, JAW]))
    v.side("ear", const(EAR, H2.rev()))
    v.side("angle_of_mandible_region", lambda: [H3, smooth([J, (25.5, 93), (31.5, 82.5), E_BOT], t1=(0.6, -0.5))])
    # neck: a column above the sternocleidomastoid line NB, and the supraclavicular triangle below it
    nf = Patch(JAW.rev(), NB_W, line(CHIN, (0, 149)), NECKSIDE, name="neck_f")
    v.mid("anterior_neck", nf.loop([(0, 0), (0, 0.55), (1, 0.55), (1, 0)], merged=True))
    v.side("lateral_neck", lambda: [JAW.rev().sub(0.55, 1), NECKSIDE, TRAP, CLAV.rev(), NB_W.sub(0, 0.55), nf.fline(0.55, 1, 0)])
    v.side(
        "supraclavicular_region", lambda: [CLAV.sub(0.2, 0.62), smooth([CLAV.at(0.62), (41, 144.2), (25, 145.2), CLAV.at(0.2)])]
    )
    # trunk
    t = trunk_f
    c_clav = t.ycut(159.5, 163)
    c_up = t.ycut(185, 184)
    c_ax = t.ycut(205, P_AX[1] + 1)
    c_nt, c_nb = t.ycut(211, 212), t.ycut(227, 228)
    c_xt, c_xb = t.ycut(254, 250), t.ycut(268, 262)
    c_cost = t.ycut(262, 276)
    c_ut, c_ub = t.ycut(321, 318), t.ycut(340, 336)
    c_gr = t.ycut(405, 372)
    FL = 0.82
    v.mid("clavicular_region", t.loop([(0, 0), (0, 1), (c_clav, 1), (c_clav, 0)], merged=True))
    v.mid("upper_chest", t.loop([(c_clav, 0), (c_clav, 1), (c_up, 1), (c_up, 0)], merged=True))
    v.mid("chest", t.loop([(c_up, 0), (c_up, 1), (c_ax, 1), (c_ax, FL), (c_xt, FL), (c_xt, 0)], merged=True))
    v.mid("nipple_region", t.loop([(c_nt, 0), (c_nt, FL), (c_nb, FL), (c_nb, 0)], merged=True))
    v.side("lateral_chest", t.cell(c_ax, c_cost, FL, 1))
    v.mid("xiphoid_region", t.loop([(c_xt, 0), (c_xt, FL), (c_xb, FL), (c_xb, 0)], merged=True))
    v.mid("upper_abdomen", t.loop([(c_xb, 0), (c_xb, FL), (c_ut, FL), (c_ut, 0)], merged=True))
    v.mid("umbilical_region", t.loop([(c_ut, 0), (c_ut, FL), (c_ub, FL), (c_ub, 0)], merged=True))
    v.side("flank", t.cell(c_cost, c_gr, FL, 1))
    v.mid("lower_abdomen", t.loop([(c_ub, 0), (c_ub, FL), (c_gr, FL), (c_gr, 0.3), (1, 0.3), (1, 0)], merged=True))
    v.mid("suprapubic_region", t.loop([(c_ub, 0), (c_ub, 0.3), (1, 0.3), (1, 0)], merged=True))
    v.side("groin", t.cell(c_gr, 1, 0.3, 1))
    # genitalia (schematic, sex-neutral)
    v.mid("external_genitalia", merged(lambda: [MONS_TOP, GENITOFEM]))
    v.mid(
        "mons_pubis",
        merged(lambda: [MONS_TOP, GENITOFEM.sub(0, 0.4), smooth([GENITOFEM.at(0.4), (5.5, 436.6), (0, 437.4)], t1=(-1, 0))]),
    )
    upper_limb(v, True)
    lower_limb_front(v)
    # key sensory points
    v.key("supraclavicular_fossa_point", (43, 147.6), r=2)
    v.key("acromioclavicular_joint_skin", (88.5, 160))
    v.key("apex_of_axilla", arm.pt(0.05, 0.9))
    v.key("third_intercostal_space_point", (40, 198))
    v.key("fifth_intercostal_space_point", (40, 241))
    v.key("xiphoid_umbilicus_quarter_point", (38, 279))
    v.key("xiphoid_umbilicus_midpoint", (37.5, 295))
    v.key("xiphoid_umbilicus_three_quarter_point", (37.5, 311))
    t12 = add(INGUINAL.at(0.5), (0.8, -4.2))
    l2 = thigh_f.pt(0.45, 0.5)
    v.key("umbilicus_inguinal_midpoint", (37, 364))
    v.key("midpoint_of_inguinal_ligament_skin", t12)
    v.key("upper_anterior_thigh_point", lerp(t12, l2, 0.5))
    v.key("mid_anterior_thigh", l2)
    v.key("medial_femoral_condyle_skin", knee.pt(0.22, 0.88))
    v.key("lateral_antecubital_fossa", elbow.pt(0.38, 0.3), r=2)
    v.key("medial_antecubital_fossa", elbow.pt(0.38, 0.72), r=2)
    v.key("dorsum_of_foot_at_third_mtp_joint", foot_f.pt(0.86, TOEBASE.s_at_point(TB_PTS[2]) + 0.0 + 0.09), r=1.9)
    return v


def build_back() -> View:
    v = View("back")
    v.mid("head", merged(lambda: [H1, H2, H3, SKULLBASE.rev()]))
    p = H1.at(0.9)
    v.mid("occiput", merged(lambda: [smooth([(0, 39.5), (22, 41.5), p], t0=(1, 0)), H1.sub(0.9, 1), H2, H3, SKULLBASE.rev()]))
    v.side("mastoid_region", lambda: [closed_smooth([(35.5, 72), (38.2, 80), (35.8, 88), (31.8, 80)])])
    v.side("ear", const(EAR, H2.rev()))
    nb = neck_b
    v.mid("posterior_neck", nb.loop([(0, 0), (0, 0.62), (1, 0.62), (1, 0)], merged=True))
    v.side("lateral_neck", nb.cell(0, 1, 0.62, 1))
    t = trunk_b
    FL = 0.85
    c_ax = t.ycut(205, P_AX[1] + 1)
    c_ub = t.ycut(252, 252)
    c_cost = t.ycut(290, 282)
    c_mb = t.ycut(302, 300)
    f_psis = t.B.s_at_point(PSIS)
    c_sac = t.ycut(386, 388.5, 0, f_psis)
    c_il = 0.972
    v.mid("upper_back", t.loop([(0, 0), (0, 1), (c_ax, 1), (c_ax, FL), (c_ub, FL), (c_ub, 0)], merged=True))
    v.side(
        "suprascapular_region",
        lambda: [TRAP.sub(0.08, 1), DP.sub(0, 0.32), smooth([DP.at(0.32), (62, 171), (40, 160), TRAP.at(0.08)], t0=(-1, -0.15))],
    )
    v.side("lateral_chest", t.cell(c_ax, c_cost, FL, 1))
    v.mid("mid_back", t.loop([(c_ub, 0), (c_ub, FL), (c_mb, FL), (c_mb, 0)], merged=True))
    v.side("flank", t.cell(c_cost, c_il, FL, 1))
    v.mid("lower_back", t.loop([(c_mb, 0), (c_mb, FL), (c_il, FL), (c_il, f_psis), (c_sac, f_psis), (c_sac, 0)], merged=True))
    v.mid("sacral_region", t.loop([(c_sac, 0), (c_sac, f_psis), (1, f_psis), (1, 0)], merged=True))
    v.side("iliac_crest_region", t.cell(c_il, 1, f_psis, 1))
    upper_limb(v, False)
    lower_limb_back(v)
    v.key("skin_lateral_to_external_occipital_protuberance", (9.5, 92))
    v.key("ischial_tuberosity_skin", buttock.pt(0.93, 0.36))
    v.key("perianal_mucocutaneous_junction_skin", (2.3, 449.6), r=1.3)
    v.key("mid_popliteal_fossa", knee.pt(0.5, 0.5))
    v.key("lateral_heel", heel_b.pt(0.45, 0.2), r=1.9)
    v.key("dorsal_proximal_phalanx_of_thumb", along(THUMB, 0.5), r=1.9)
    v.key("dorsal_proximal_phalanx_of_middle_finger", along(MIDDLE, 0.22), r=1.9)
    v.key("dorsal_proximal_phalanx_of_little_finger", along(LITTLE, 0.25), r=1.9)
    return v


class Warped(Chain):
    """The base chain with its parameter warped: s -> fn(s)."""

    def __init__(self, base: Chain, fn: Callable[[float], float]) -> None:
        self.__dict__.update(base.__dict__)
        self._fn = fn

    def u_of(self, s: float) -> float:
        return Chain.u_of(self, self._fn(s))

    def sub(self, s0: float, s1: float) -> Chain:
        return Chain.sub(Chain(self.segs), self._fn(s0), self._fn(s1))


NB = smooth([(0, 149), (10, 146.5), N], t0=(1, -0.1), t1=(1, -1.1))
NB_W = Warped(NB, lambda f: f**1.8)


# ------------------------------------------------------------------ soles inset (local: a lateral, b toward heel)
TBS = [(-13, -22), (-3.5, -24.6), (2.5, -24.1), (7.5, -22.6), (11.8, -20.4), (15.5, -17.2)]
_tbs = smooth(TBS)
STOEB = [Chain([s]) for s in _tbs.segs]  # great, 2nd, 3rd, 4th, little (medial -> lateral)
SOLE_T = STOEB[0] + STOEB[1] + STOEB[2] + STOEB[3] + STOEB[4]
SOLE_M = smooth([TBS[0], (-14.4, -12), (-12.6, 0), (-8.6, 12), (-9.4, 24), (-10, 32)], t0=(-0.3, 1))
SOLE_L = smooth([TBS[-1], (15.8, -8), (13.4, 8), (11.8, 22), (10, 32)], t0=(0.05, 1))
SOLE_B = smooth([(-10, 32), (-6.2, 39), (0, 41.3), (6.2, 39), (10, 32)])
STOES = [
    digit(TBS[i], TBS[i + 1], (math.sin(math.radians(a)), -math.cos(math.radians(a))), L, w)
    for i, (a, L, w) in enumerate([(-4, 13, 8.4), (1, 10.5, 5.4), (4, 9.5, 5.0), (7, 8.5, 4.6), (11, 7.5, 4.2)])
]
sole = Patch(SOLE_T, SOLE_B, SOLE_M, SOLE_L, name="sole")


def build_soles() -> View:
    v = View("soles")
    v.side("medial_sole", sole.cell(0, 0.72, 0, 0.66))
    v.side("lateral_sole", sole.cell(0, 0.72, 0.66, 1))
    v.side("heel", sole.cell(0.72, 1, 0, 1))
    v.side("medial_border_of_foot", sole.dshape(0, 0.08, 0.8, [(0.7, 0.12), (0.45, 0.15), (0.2, 0.12)]))
    v.side("lateral_border_of_foot", sole.dshape(1, 0.02, 0.95, [(0.85, 0.86), (0.5, 0.85), (0.15, 0.86)]))
    for dg, base, name in zip(STOES, STOEB, ["great_toe", "toes", "toes", "toes", "little_toe"], strict=True):
        v.side(name, const(dg.rs, dg.us.rev(), base.rev()))
    return v


def sole_outline() -> list[Chain]:
    out = [SOLE_M, SOLE_B, SOLE_L.rev()]
    for dg in reversed(STOES):
        out += [dg.us, dg.rs.rev()]
    return out


def figure_outline(front: bool) -> list[Chain]:
    half = [
        H1,
        EAR,
        H3,
        NECKSIDE,
        TRAP,
        DELT,
        ARM_L,
        ELB_L,
        FA_L,
        WR_L,
        PALM_R.sub(0, TH_S1),
        THUMB.rs,
        THUMB.us.rev(),
        PALM_R.sub(TH_S2, 1),
    ]
    for dg in (INDEX, MIDDLE, RING, LITTLE):
        half += [dg.rs, dg.us.rev()]
    half += [PALM_U.rev(), WR_M.rev(), FA_M.rev(), ELB_M.rev(), ARM_M.rev(), SIDE, HIP_L, TH_L, KN_L, LEG_L, ANK_L]
    if front:
        half.append(FOOT_L)
        for dg in TOES_F:
            half += [dg.rs, dg.us.rev()]
        half.append(FOOT_M.rev())
    else:
        half += [HEEL_L, HEEL_BOT, HEEL_M.rev()]
    half += [ANK_M.rev(), LEG_M.rev(), KN_M.rev(), TH_M.rev()]
    return half + [e.mirror().rev() for e in reversed(half)]


# ------------------------------------------------------------------ SVG
def labels() -> dict[str, str]:
    kg, _ = load()
    return {e.id: e.label for e in kg.of_type("SkinRegion")}


SIDE_WORD = {"r": "right", "l": "left"}


def emit_view(
    v: View,
    lab: dict[str, str],
    gid: str,
    glabel: str,
    cx: float,
    ty: float,
    pos_side: str,
    outline: Sequence[Sequence[Chain]],
    scale: float = 1.0,
    extra: str = "",
) -> str:
    """One view as an SVG group; the half-figure coordinates (x >= 0) go to pos_side, the mirror to the other."""
    neg_side = "l" if pos_side == "r" else "r"

    def xpos(p: Pt) -> Pt:
        return (cx + p[0] * scale, ty + p[1] * scale)

    def xneg(p: Pt) -> Pt:
        return (cx - p[0] * scale, ty + p[1] * scale)

    out = [f'<g id="{gid}" aria-label="{glabel}">']
    out.append(extra)
    for ol in outline:
        check_loop(ol, "outline")
        out.append(f'<path class="outline" d="{path_d(ol, xpos)}"/>')
    used: set[str] = set()

    def ident(base: str) -> str:
        i, k = base, 2
        while i in used:
            i, k = f"{base}-{k}", k + 1
        used.add(i)
        return i

    def elem(region: str, d: str, side: str | None) -> str:
        label = lab[region]
        where = v.name if side is None else f"{v.name}, {SIDE_WORD[side]}"
        i = ident(f"{v.name}-{region}" + (f"-{side}" if side else ""))
        return (
            f'<path class="region" id="{i}" data-region="{region}" tabindex="0" role="button" '
            f'aria-label="{escape(label)} ({where})" d="{d}"><title>{escape(label)}</title></path>'
        )

    for region, thunk, mode in v.items:
        edges = thunk()
        check_loop(edges, f"{v.name}:{region}")
        if mode == "mid":
            out.append(elem(region, path_d(edges, xpos), None))
        else:
            for side, xf in sorted([(pos_side, xpos), (neg_side, xneg)], key=lambda t: t[0] != "r"):
                out.append(elem(region, path_d(edges, xf), side))
    for region, p, r in v.keys:
        label = lab[region]
        for side, xf in sorted([(pos_side, xpos), (neg_side, xneg)], key=lambda t: t[0] != "r"):
            x, y = xf(p)
            i = ident(f"{v.name}-{region}-{side}")
            out.append(
                f'<circle class="region keypoint" id="{i}" data-region="{region}" tabindex="0" role="button" '
                f'aria-label="{escape(label)} ({v.name}, {SIDE_WORD[side]})" cx="{x:.1f}" cy="{y:.1f}" '
                f'r="{r * scale:.1f}"><title>{escape(label)}</title></circle>'
            )
    out.append("</g>")
    return "\n".join(out)


STYLE = """<style>
svg .outline{fill:#fff;stroke:#52525b;stroke-width:1.6px;stroke-linejoin:round;vector-effect:non-scaling-stroke}
svg .region{fill:#fafafa;stroke:#a1a1aa;stroke-width:.7px;stroke-linejoin:round;vector-effect:non-scaling-stroke}
svg .region.keypoint{fill:#1e3a8a;stroke:#fff;stroke-width:.6px}
svg .view-label{font:600 15px sans-serif;fill:#3f3f46;text-anchor:middle}
svg .side-label{font:11px sans-serif;fill:#71717a;text-anchor:middle}
</style>"""

W, H = 820, 960
FX, BX, TOP = 205, 615, 48
SX, SY, SS = 410, 872, 1.6


SOLE_SHIFT = 28  # soles inset: each sole drawn this far out from the midline


def shift_sole(p: Pt) -> Pt:
    return (p[0] + SOLE_SHIFT, p[1])


def shifted(thunk: Edges) -> Edges:
    return lambda: [e.map(shift_sole) for e in thunk()]


def main(argv: Sequence[str]) -> None:
    out_path = Path(argv[0]) if argv else DEFAULT_OUT
    lab = labels()
    front, back, soles = build_front(), build_back(), build_soles()
    fl = (
        f'<text class="view-label" x="{FX}" y="22">Front</text>\n'
        f'<text class="side-label" x="{FX - 125}" y="40">Right</text>\n'
        f'<text class="side-label" x="{FX + 125}" y="40">Left</text>'
    )
    bl = (
        f'<text class="view-label" x="{BX}" y="22">Back</text>\n'
        f'<text class="side-label" x="{BX - 125}" y="40">Left</text>\n'
        f'<text class="side-label" x="{BX + 125}" y="40">Right</text>'
    )
    sl = (
        f'<text class="side-label" x="{SX}" y="{SY - 70}">Soles, from below</text>\n'
        f'<text class="side-label" x="{SX - 45}" y="{SY + 82}">Left</text>\n'
        f'<text class="side-label" x="{SX + 45}" y="{SY + 82}">Right</text>'
    )
    sole_half = [e.map(shift_sole) for e in sole_outline()]
    soles_shift = View("soles")
    for region, thunk, mode in soles.items:
        soles_shift.items.append((region, shifted(thunk), mode))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}">',
        STYLE,
        emit_view(front, lab, "bodymap-front", "Front of the body", FX, TOP, "l", [figure_outline(True)], extra=fl),
        emit_view(back, lab, "bodymap-back", "Back of the body", BX, TOP, "r", [figure_outline(False)], extra=bl),
        emit_view(
            soles_shift,
            lab,
            "bodymap-soles",
            "Soles of the feet",
            SX,
            SY,
            "r",
            [sole_half, [e.mirror().rev() for e in reversed(sole_half)]],
            scale=SS,
            extra=sl,
        ),
        "</svg>",
    ]
    text = "\n".join(parts) + "\n"
    out_path.write_text(text, encoding="utf-8")
    print(out_path, len(text), "bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
