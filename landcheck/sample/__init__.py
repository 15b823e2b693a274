"""Deterministic synthetic sample county inside the outline of Luxi County (泸西县).

:func:`make_sample` builds, from a seed, every layer a pre-examination reads:
the land-use survey (三调地类图斑), permanent basic farmland, the ecological
protection redline, the urban development boundary, planning zones,
townships, roads, the review layers (forest, grassland, wetland, protected
areas, mineral rights, geohazard zones and points, heritage, approved land,
illegal land), thirty-three project sites and the alternative sites of one project. Everything
but the county outline is invented and labelled ``合成数据 synthetic``;
nothing here describes the real county.

Generation model
----------------
1. **Terrain** (:mod:`~landcheck.sample.terrain`). Smooth random fields are
   sums of plane waves with random directions and phases (unit variance,
   wavelengths chosen per field). Elevation is three octaves of such noise
   plus karst knolls; it is flattened in a basin (坝子) around each town seat
   and lowered along the rivers, so slope (from the analytic gradient) is
   near zero in the basins and valley floors. Wetness falls off with the
   distance to the rivers and is high in the basins; a karst field drives
   bare rock, shrubs and grass.
2. **Features** (:mod:`~landcheck.sample.plan`). Eight town seats (the real
   township names, synthetic positions and boundaries,
   :mod:`~landcheck.sample.county`) with built-up land in rings (commerce and
   offices in the core, housing, then industry and storage; an industrial
   sector east of the county seat). Rivers and tributaries are smooth curves
   (midpoint displacement, then Chaikin corner cutting); two reservoirs sit
   on tributaries; irrigation ditches run along the rivers in the basins.
   An expressway, a national road, a provincial road and county roads link
   the seats; a street grid fills each town. Up to 390 natural villages are
   placed by dart throwing, preferring low, flat, wet ground; a rural road
   links each to the road network, or to a village nearer a town seat when
   that one is closer.
3. **Parcels** (:mod:`~landcheck.sample.cells`, :mod:`~landcheck.sample.parcels`).
   Generator points on a jittered lattice, denser in towns, villages and the
   lowlands, give Voronoi cells. The cell edges, the county outline and the
   boundaries of the corridors (roads, rivers, ditches, streets) and
   reservoirs are noded together by snap rounding on a 1 cm grid and
   polygonised, so the parcels form an exact polygonal coverage of the
   outline (no gaps, no overlaps, shared vertices). A face inside a corridor
   takes the corridor's class; any other face takes its cell's class. A face
   under 150 m² is merged into the neighbour with the highest score: the
   length of their shared edge, times 4 for the same class and times 2 for a
   neighbour that is not small itself. The corridor pieces of one class are
   joined within each village, so a road or river parcel runs on to the
   village boundary.
4. **Classes** (:mod:`~landcheck.sample.landuse`). Town rings, villages,
   mines, special land and independent industry take precedence; the rest
   is split by an area-weighted ranking of an upland score (elevation,
   slope, dryness): the upland part becomes forest (arbor on high ground,
   shrub on karst), grass and bare land; the lowland part becomes paddy
   (wettest flat land), irrigated and dry land, gardens, ponds and facility
   land. Slope grade, field-ridge coefficient (KCXS) and terrace/slope type
   (GDLX) follow from the slope.
5. **Control lines** (:mod:`~landcheck.sample.control_lines`). The urban
   development boundary takes the parcels near the county seat and three
   towns (sub-zones 0401/0402/0403 by distance and class). The ecological
   redline takes the forest, grass and bare parcels on the highest ground
   and karst, the reservoirs with their wooded surroundings and the main
   river, outside the boundary, keeping only patches of 30 ha and more.
   Permanent farmland takes good cultivated parcels (slope grade 1-2, some
   3-4) outside both and off a fringe just outside the boundary, chosen in
   blocks by a smooth field and dissolved per village, class and slope grade
   into contiguous blocks. Planning zones follow: 01 = redline, 03 =
   farmland, 04xx = boundary sub-zones, the rest by land use. Townships are
   unions of parcels (detached bits go to the neighbour around them,
   :mod:`~landcheck.sample.survey`), so every parcel's ZLDWDM lies in its
   township. The layers are built from these parcels
   (:mod:`~landcheck.sample.layers`, :mod:`~landcheck.sample.frames`).
6. **Sites** (:mod:`~landcheck.sample.sites`) are placed by deterministic
   searches over the generated layers (:mod:`~landcheck.sample.site_finder`,
   :mod:`~landcheck.sample.site_builders`) so that each shows one situation
   of the pre-examination:

   Each site carries project facts besides its old class (project_type,
   plan_level, plan_ref, land_supply, project_id; :class:`~landcheck.sample.sites.Facts`).

   S01 绿色铝产业园（一期）, industrial
       Clean: inside the county seat's concentrated construction zone
       (0401), wholly on existing construction land, 50 m clear of farmland
       and redline; on approved land, so 预审 is not required.
   S02 建材加工厂, industrial
       On permanent farmland (paddy and dry land): a class not allowed to
       take it, so prohibited.
   S03 500千伏输变电工程变电站, grid_500kv in a national plan
       On permanent farmland, outside the boundary: 3号 item 2, State
       Council approval and 补划; 征收 by the State Council; single site.
   S04 生态旅游度假酒店, commercial
       A block site (not linear) wholly inside the redline: prohibited.
   S05 县道改扩建工程, county_road in a county plan, linear, 24 m
       A 3.4 km road corridor crossing the redline (its ends outside it),
       avoiding farmland: a 142号 item 6 activity, but it crosses a
       protected area's core zone, so prohibited.
   S06 集中式光伏电站, pv_array
       Outside the boundary on grass or bare land, clear of farmland and
       redline: a PV array off cultivated land, on unused land. The grass
       there is 基本草原, which 12号 keeps arrays off: the grassland rule
       prohibits it (placed before the grassland layer existed).
   S07 再生铝加工项目, industrial
       35-65 % inside an urban boundary, no farmland or redline: prohibited.
   S08 农村饮水安全工程净水厂, water
       A construction parcel next to farmland plus a strip 0.05 m wide along
       their straight 60-160 m shared edge: a 3-8 m² boundary-precision
       sliver on farmland. Farmland is kept off the urban boundary, so the
       site lies outside it: a village water works on existing
       construction land, with no 单独选址 or 农转用 finding. A 卫片执法
       图斑 found in 2020 and dealt with (已查处到位) lies on it (the
       illegal-land check: dealt_with, info).
   S09 城中村改造安置小区（保留古树广场）, residential
       A construction parcel in a town's concentrated construction zone, set back
       3 m, around a retained square (a hole), within 45 m of permanent farmland:
       its only finding of the three lines and the survey is the farmland
       proximity note (status info); the review adds the geohazard assessment
       (the whole county is a 地质灾害易发区).
   S10 城乡供水工程（水厂及加压泵站）, water
       Multi-part: a water works and two pumping stations 0.7 and 1.4 km away.
   S11 生活垃圾焚烧发电厂, infrastructure
       Across a township boundary, a quarter or more in each township. It
       takes part of a 卫片执法 图斑 found in 2024 and not dealt with (未查处:
       the illegal-land check's flagged, conditional).
   S12 石灰石矿山扩界, mining
       40-70 % inside the county: outside it the land-use survey gives no
       class, so the land checks are unknown; inside it takes Ⅰ级保护林地
       (the forest rule: prohibited).
   S13 县道改建工程（未申报规划依据）, county_road, no plan, linear, 24 m
       A 700 m corridor 60 % or more on permanent farmland: 3号 item 1 needs
       the national plan that lists it (prohibited, saying what to declare).
   S14 山区集中供水工程取水泵站, water_supply in a county plan
       Wholly in the karst redline, off the core zones: a 142号 item 6
       activity (conditional).
   S15 农光互补光伏电站（光伏方阵）, pv_array
       Outside the boundary, half or more on cultivated land that is not
       permanent farmland: 12号 keeps arrays off 耕地 (prohibited).
   S16, S17 风电场（一期、二期场区）, wind, one project (XM-FD)
       Two 42 ha blocks of collective forest and grass: each alone is the
       province's 征收, summed (84 ha > 70 ha) the State Council's.

   New sites go at the end of ``SITES`` and are placed after the candidates
   (:data:`~landcheck.sample.sites.CANDIDATES_AFTER`), so nothing placed
   before them moves.

   The candidates (比选方案) A-D for the green aluminium park's second phase
   have the same 30 ha footprint: A inside the boundary and clean, B on
   permanent farmland, C outside the boundary, D partly in the redline.
7. **Review layers** (:mod:`~landcheck.sample.review_layers`) come last, built
   from the survey and the placed sites (:class:`~landcheck.sample.review.Review`):
   林地 and 草原 are the survey's forest and grass parcels with grades
   (:mod:`~landcheck.sample.nature`), the wetland the main river and two
   reservoirs with their shores; a nature reserve and a forest park are zoned
   on the redline (:mod:`~landcheck.sample.protected`); licence blocks sit
   beside S12 and over candidate B (:mod:`~landcheck.sample.minerals`);
   geohazard zones follow slope and karst, with hazard points on steep ground
   (:mod:`~landcheck.sample.hazards`); heritage zones lie in and by the county
   seat and on the main river (:mod:`~landcheck.sample.heritage`); approved
   land covers most construction land in the towns, S01 and half of
   candidate A (:mod:`~landcheck.sample.approvals`); 36 卫片执法 违法用地图斑
   lie on construction land outside the towns, one dealt with on S08 and
   one not on S11, the others clear of the sites (:mod:`~landcheck.sample.illegal`).
8. **Review sites** (:data:`~landcheck.sample.sites.REVIEW_SITES`) are placed
   last, against the review layers, from a generator of their own seeded with
   ``[seed, 13, 1]``: S21 on a river wetland's shore, S22 in the 地下文物埋藏区,
   S23 and S24 industrial plants whose project facts fail and meet the
   land-use standard's 建筑系数, S25 on the 锰 mining right; S26-S36 each give
   one more outcome of the review a site (:func:`~landcheck.sample.site_builders.zone_site`
   places them by a share of chosen features of a review layer): a PV array
   on Ⅰ级 forest, a works on national 公益林, a hotel and a water-conservancy
   works on the 国家重要湿地, a permitted and a not-permitted project in the
   reserve's 一般控制区, one in the forest park's 实验区, one over the strategic
   bauxite right, one around a hazard point, one in the temple's 保护范围 and
   one in its 建设控制地带 (``data/README.md`` lists them). The sites layer
   then gets the project facts of the land-use standard: S23, S24 and S01's
   (:data:`~landcheck.sample.sites.EXISTING_FACTS`) with their 土地等别, and the
   county roads S05 and S13 their grade of works and length
   (:data:`~landcheck.sample.sites.INDEX_FACTS`), empty on the others. The
   synthetic index table they are looked up in is :mod:`~landcheck.sample.standards`
   (``standards.csv`` beside the GeoPackage, which the demo gives its run).

Every random draw of steps 1-6 comes from one :class:`numpy.random.Generator`
in a fixed order; the review layers draw from a second generator seeded with
``[seed, 13]``, so adding them moved nothing drawn before. No step depends on
dict or set order or on the clock, so a seed always gives the same layers.
:func:`make_sample` (:mod:`~landcheck.sample.generate`) runs the steps: plan,
cells, parcels, survey (with the control lines), layers, sites, review layers,
review sites.

Where a change goes
-------------------
A new layer
    A layer the sites are searched in: write its builder in
    :mod:`~landcheck.sample.layers` (the survey in, columns and geometries
    out) and add its row to ``LAYERS`` there (None for a layer without
    ``BSM``). Any other layer: write its builder (the ``Review`` in) and add
    its row to ``REVIEW_LAYERS`` in :mod:`~landcheck.sample.review_layers`; it
    may read the sites and draw from the review generator. A new layer with
    ``BSM`` takes the next layer number (16 after ``illegal_land``' 15);
    :data:`SAMPLE_LAYERS` follows from the two tables. Facts per parcel that
    the survey lacks go into ``Survey`` (:mod:`~landcheck.sample.survey`); a
    new control line is one more function in
    :mod:`~landcheck.sample.control_lines`. Give the layer a title in
    ``landcheck.io.sample_files._TITLES`` (writing fails without one).
A new site
    Write its builder in :mod:`~landcheck.sample.site_builders` from the
    measures and search of ``SiteFinder``, and add its description, paired
    with the builder, at the end of ``SITES`` in :mod:`~landcheck.sample.sites`.
    S01-S12 stay where they are; the candidates, searched after the sites
    and kept away from them, may move. A site that must be placed against a
    review layer goes at the end of ``REVIEW_SITES`` instead (its builder
    also gets the layers); nothing else moves. Describe the site in
    ``data/README.md`` and give it a check in ``tests/test_sample.py``.
The effect of a new random draw
    It shifts every draw after it in its generator: everything generated
    later changes, for every seed (the order of the main generator: terrain,
    rivers, roads, villages, streets, rural roads, generator points, village
    names, classes, then the site searches; of the review generator: mineral
    rights, hazard points, heritage, approved land, illegal land). A new draw
    therefore belongs as late as it can go, or in the review generator; a
    layer built from the survey draws nothing and changes no other layer.
Any change of output
    Regenerate ``data/luxi_sample.gpkg.zip`` (``landcheck sample``, zipped;
    ``tests/test_sample.py`` compares it with a fresh generation) and check
    that seeds 2026 and 7 still place every site.
"""

from landcheck.sample.county import COUNTY_CODE, COUNTY_NAME, SAMPLE_CRS, SYNTHETIC_NOTE
from landcheck.sample.generate import DEFAULT_SEED, SAMPLE_LAYERS, make_sample

__all__ = [
    "COUNTY_CODE",
    "COUNTY_NAME",
    "DEFAULT_SEED",
    "SAMPLE_CRS",
    "SAMPLE_LAYERS",
    "SYNTHETIC_NOTE",
    "make_sample",
]
