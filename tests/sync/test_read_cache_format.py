"""Every bump of the read cache's ``FORMAT``, recorded (from test_read_cache.py, at 500 lines)."""

from __future__ import annotations


def test_the_cache_format_moves_with_the_grid_it_holds() -> None:
    """A parse cached before a tab's Excel Table totals rows were read (a grid without
    ``total_rows``) must be a miss, or the sync keeps writing into the totals row: a new
    field of the cached grid goes with a bump of ``readcache.FORMAT``, recorded here."""
    import dataclasses

    from sheets_sync.grid import SheetGrid
    from sheets_sync.sync.readcache import FORMAT

    fields = [f.name for f in dataclasses.fields(SheetGrid)]
    # 6: a confidence of 100% in a percent cell; 7: tabs found by grid.tab_key, headers of
    # any script, the slot holds a digest; 8: a key result's cells in a percent format;
    # 9: an Excel Table's totals row is no data row
    # 10: the same grid, but a row a filter hides is no longer in ``hidden_rows``
    # 11: the same grid, but the mapping reads other records and values from it
    # 12: the same grid; an .ods file's null date now counts its day numbers
    # 13: the same grid; a Google number in a date format is read as the date
    # 14: the same grid; a checkbox in a counting key result's Current says "milestone"
    # 15: ``used_cols``, where owned columns a layout lacks are added
    # 16: the same grid; a percent KR type with no unit and percent values is in %; a
    # confidence of 33.3 reads 0.333
    # 17: the same grid; a confidence typed 3.3/10 reads 0.33; a cell stored in another
    # row's element is refused
    # 18: the same grid; a KPI row keeps its cells in a percent format (shown_as_percent)
    # 19: the same grid; a percent cell with no number (blank, text) shows no percentage
    # 20: the same grid; "4.4%" typed as text reads 0.044, not 0.044000000000000004
    # 21: the same grid; a confidence typed "100％" (full-width sign) reads 1.0, not 0.1
    # 22: ``formula_cells``; owned columns are added right of merged ranges (the layout)
    # 23: the same grid; only merges across the header row or a row the sync writes move
    # the added owned columns (the layout)
    # 24: ``formula_cells`` holds each formula's text, ``formula_arrays`` an array's range
    # (not its every cell); TabExtract.owned_formulas the text too
    # 25: the same grid; the percent styles are the first ``cellXfs`` with an end tag
    # 26: a Google read's grid has ``formula_cells`` too (its owned formulas are written);
    # an .xlsx formula's text is unescaped as XML (``&#128;`` U+0080, ``_x000D_`` CR)
    # 27: the same grid; a number cell with ``x14ac:t="e"`` (or ``t="e"`` inside another
    # attribute's value) reads its number, not #N/A; a sheet the error-code swap misread
    # is parsed instead (a ``#SPILL!`` after a ``#N/A`` in one cell, ``t="&#101;"``)
    # 28: the same grid; a lone surrogate in a text cell (a Google cell can hold one)
    # reads U+FFFD, not a character that failed the rollup
    # 29: ``kind``, what a tab with no cells is (a chart sheet, a Google connected-data
    # sheet), which its layout error names instead of "the tab is empty"
    # 30: the same grid; two tabs that read as one name (``OKRs``, ``OKRs ``) are warned of
    # 31: ``hidden_cols``; owned columns are added right of columns hidden by hand
    # 32: the same grid; a text cell past 16,383 characters is cut in UTF-16 code units,
    # as Excel and Google count a cell (an emoji is 2), not in characters
    # 33: the same grid; ``<col hidden="1" width="abc">`` is hidden (``hidden`` decides
    # before the width), a ``<col>`` past XFD is skipped, a Google column is hidden by
    # ``hiddenByUser`` alone (not a 0-pixel width); a tab's owned columns in hidden
    # columns are warned of every run, not only the night they are added
    # 34: the same grid; a TeamInput holds the objective of each key result row its errors
    # left out (``failed_kr_objectives``), which the lint counts for the objective; a
    # missing column's layout error names the header cells that show an error (``#REF!``)
    # 35: the same grid; a date before 1900-03-01 (text ``1850-01-01``, a date cell) is
    # refused as the day numbers below 61 are, not read (Excel showed it ``####``)
    # 36: the same grid; a checkbox or a date in an ID column is the cell's error (it was
    # the ID "TRUE" or "2026-01-02"); "no header row" names the header cells in error;
    # an owned column whose header was typed or merged over is warned of
    # 37: the same grid; a finding quotes a whole number as typed (``expected a date, got
    # the number 12``, not ``12.0``)
    # 38: the same grid; a custom format code with a ``>`` left unescaped in its attribute
    # (``formatCode="[>=1]0%;0.0%"``) is read, so a 1 in it is 100% (``percent_ones``)
    # 39: the same grid; a ``<col>`` Excel draws 0 wide is in ``hidden_cols`` whatever its
    # ``hidden`` says (``hidden="0" width="0"``, ``customWidth="1"`` with no width)
    # 40: the same grid; a ``<col>`` with no ``width`` is in ``hidden_cols`` whatever its
    # ``customWidth`` says (``customWidth="0"`` read as shown); a format code or formula
    # with a long character reference (``&#000…037;``, 5,000 zeros) is read, not a ValueError
    # 41: the same grid; a Google number in a TIME format reads as
    # the time of day; a date or a checkbox in a KPI link or Aligns to is said and left
    # out; an old owned column is said only beside owned columns out of their order; a
    # data row's errors are not named as the header's
    # 42: the same grid; goals and KPIs found on one tab by a fallback name both tab lists
    # hold (``[OKRs, Sheet1]``, ``[KPIs, Sheet1]``) are the team's layout error
    # 43: a Google number in a TIME format reads as a number again (41 read it as a time of
    # day, so a duration ``[h]:mm:ss`` under a day failed as "expected a number")
    # 44: the same grid; the old-owned-column warning (36, 41) is taken out, as it fired on
    # a team's own columns (``Score (manual)`` beside an owned ``Status``)
    # 45: the same grid; an Excel linked data type (Geography, Stocks) reads as the name it
    # shows, not its #VALUE! fallback; a picture in a cell's #VALUE! says it is one; formula
    # texts are shown as Excel shows them (``=SORT(A2:A9)``, not ``=_xlfn._xlws.SORT(A2:A9)``;
    # ``@A1:A9`` and ``E2#`` for ``_xlfn.SINGLE`` and ``_xlfn.ANCHORARRAY``)
    # 46: the same grid; a row holding only unchecked checkboxes (FALSE) is an empty row,
    # not a key result with no ID
    # 47: the same grid; in the objective-blocks layout an unchecked checkbox (FALSE) in
    # ``objective_when_blank`` counts as blank, so an objective row with a checkbox over its
    # Actual stays an objective (a row whose KR type says milestone keeps its FALSE)
    # 48: the same grid; that FALSE counts as blank only on a row whose KR ID and key result
    # (in columns of their own) are blank: an unticked milestone with no KR type was read
    # as an objective header, its KR gone
    # 49: the same grid; a 0% (0 on every scale) puts no key result of KR type percent
    # in % (its plain 40 was "4000 %"), and is no percentage among an objective's weights
    # 50: the same grid; in the objective-blocks layout that FALSE counts as blank only on
    # a row with no KR type, Unit, Weight, Confidence, Due date or KPI link either (unless
    # it names an objective type or Aligns to): an unticked milestone with a due date and
    # no KR type was read as an objective header in the built-in layout
    # 51: the same grid; nor (that FALSE counting as blank) on a row whose objective ID is
    # filled in a column of its own, or in the shared ``#`` with an ID that does not extend
    # the current objective's (O2 under O1): an objective header with a Due, a Confidence
    # or a Weight was read as a key result of the objective above
    # 52: the same grid; a cell showing an Excel 365 error value (#SPILL!, #GETTING_DATA)
    # says why and what to do, which a cached finding must not keep saying without
    # 53: the same grid; #TIMEOUT! says why and what to do too, and #SPILL!, #CONNECT! and
    # #EXTERNAL! say it in other words (an Excel Table; Data > Refresh All; no guess)
    # 54: a Google read's grid has ``formula_arrays`` too: the ranges an ARRAYFORMULA (or
    # FILTER, SORT...) fills, whose owned cells are written every night and refused
    # 55: the same grid; an ARRAYFORMULA's formula_arrays range is as big as the ranges
    # it names on its tab (``=ARRAYFORMULA(H2:I4)`` 3 by 2 though I is blank), not only
    # the box of the cells seen filled, nor stretched by another tab's ``Data!$A$2:$C``
    # 56: the same grid; nor on a row whose ``#`` is blank with only a Due, Confidence or
    # Weight (an objective header whose ID was forgotten was a key result of the one
    # above), nor on one with an objective title in a column of its own; a key result an
    # objective header reads the same as (O1a under O1) is marked (``RowRecord.objective_too``)
    # so its FALSE's error names both readings
    # 57: the same grid; a number in a finding's message has the 15 significant digits
    # Excel shows: 0.1+0.2 is "0.3", not "0.30000000000000004", unless two it compares
    # would read the same ("below the lower bound (0.30000000000000004)"); a number read
    # as text (parse_text, IDs) keeps every digit, as before
    # 58: the same grid; an ARRAYFORMULA's formula_arrays range stops before the first
    # row or column holding a typed cell or formula (``VLOOKUP(A2:A6, H2:J40, 2, 0)`` was
    # stretched over the typed owned M2:M6 beside it); a #REF! only passed on (``=L2``)
    # is no broken array; a row number of 9 or more digits is no range
    # 59: the same grid; a cell showing one of the classic error values (#DIV/0!, #N/A,
    # #VALUE!, #REF!, #NAME?, #NUM!, #NULL!, Google's #ERROR! with no words of Google's)
    # says why and what to do, as the Excel 365 ones have since 52
    # 60: the same grid; in objective blocks an unticked row numbered as a key result
    # (KR3, K1, KR-7 under O1) is a key result, not an objective header; bare numbering
    # under an objective with letters (2, b under O1) reads as O1.2 does; IDs are
    # compared NFKC-normalised (full-width digits), and every ID cell reads so (Ｏ１ is
    # O1); a key result above the first objective row says so at its ID (was "2:2:
    # objective ID is missing"); a KR ID number repeating one above says why (1.10 is 1.1);
    # a row numbered KR3 under O1 with Baseline, Goal and Actual blank is a key result;
    # an objective repeated with another title is said once, not on each KR row below;
    # a KR ID repeating one of another objective (KR1 under O1 and O2) says why
    # 61: the same grid; Google arrays stacked one a row (each row's own ARRAYFORMULA)
    # are each their own formula_arrays range, not one box under the first row's anchor
    # 62: the same grid; a Google cell whose effectiveValue or userEnteredValue is of an
    # odd shape fails the read naming its tab and cell (``gsheets.cellshape``), where some
    # read on: {"stringValue": null} was the text "None", {"boolValue": "no"} ticked
    # 63: the same grid; a classic error value's words say the formula "or a cell it
    # draws on" (each passes from cell to cell), and #N/A's start with NA()
    # 64: the same grid; ID cells read as typed again (Ｏ１ is kept, and compared with O1
    # through domain.ids.id_key: 60's NFKC rewrite re-keyed history and Aligns to); in
    # objective blocks KR1 on the tab's first row is an objective (KR1.1 its key result),
    # a single letter under a roman objective that is its next numeral (V under IV, X
    # under IX) is the next objective and i, ii, iii, iv under O1 read as O1.2 does;
    # TabLayout.blocks (a new field): only objective blocks say "key result above the
    # first objective row", a row-per-KR layout is "2:2: objective ID is missing" again
    # 65: the same grid; a Google array's cells after a blank result beside a formula per
    # row that spills nothing (``=ROW()*2``) stay the array's formula_arrays range (A4 took
    # B4:C5 of B1's FILTER, and C4 read as =ROW()*2); a numberValue too large for a float
    # fails the read naming its cell (was "internal error"), a tab with spaces quoted
    # 66: the same grid; in objective blocks the next letter under a one-letter objective
    # is the next objective (D under C and E under D were key results: C and D look
    # roman), and only roman numerals of i, v and x are numbering (CI, CD, MIX, MI under
    # O1 are the next objective, not key results read as O1.2)
    # 67: the same grid; a Google array per row ends at any formula on its row, not one
    # matching _SPILLS only (=IFERROR(ARRAYFORMULA(H2:J2),) a row gave A1:C3, A2:B2,
    # A3:B3), a column's array under typed cells beside another's blank result is its own
    # (B3's B5 went to A1, over typed B1:B2), and after blank results a formula with a
    # spilling function anywhere in it goes before a plain one (other formula_arrays);
    # a tab whose name starts with a quote is quoted in a read error, its quotes doubled
    # 68: the same grid; the twin-tabs warning and the one-tab layout error name a tab
    # as a formula does (``OKRs`` and ``'OKRs '``), not as Python's repr (``'OKRs'``)
    # 69: ``CellError.typed``: an error value held with no formula (typed #N/A, lookups
    # pasted as values) says so, not "the formula, or a cell it draws on"
    # 70: the same grid; a zip member neither stored nor deflated (bzip2, LZMA) is refused
    # 71: the same grid; a row-per-KR row naming another objective ID fills nothing down
    # (O2 under an aspirational O1 aligned to C1 was aspirational and under C1)
    # 72: ``uncalculated``: an .xlsx's formulas saved with no value (openpyxl), said
    # 73: the same grid; a cell merged down over two objectives' rows fills the second;
    # an objective's other type is quoted as typed, not ``<ObjectiveType.COMMITTED: ..>``
    # 74: the same grid; an objective's title, type or Aligns to its first row leaves
    # blank is taken from a later row that types it, and a blank contradicts nothing
    # 75: the same grid; an objective whose rows spell its ID two ways is named by its
    # most common spelling, a tie to the first in code-point order (not its first row's)
    # 76: the same grid; a formula's error is not marked typed in a prefixed sheet
    # (``<x:f>``), in a data table's cells, or in a cell with no ``r``
    # 77: the same grid; the twin-tabs warning and the one-tab layout error name a tab as
    # the team types it (``"Bob's"``, bare when plain), not as a formula (``'Bob''s'``)
    # 78: ``shared_from``; a repeat names its value's row; fill-down and no-value fixes
    # 79: the same grid; every tab named in words as typed (``no tab named "Q1 OKRs"``)
    # 80: </f > ends a formula (formula_cells); no-value t=e is blank, no-value IDs unfilled
    # 81: the same grid; an objective's repeat warning says "Aligns to", not aligns_to
    # 82: the same grid; a row with its own ID or description is no example for its Comment
    # 83: the same grid; an example row whose IDs hold spaces is skipped
    # 84: the same grid; a row read with the example's objective warns on that cell
    # 85: the same grid; a skipped example row with IDs of the team's own says why
    # 86: the same grid; a KPI's Frequency reads daily, biweekly, semiannual and yearly
    # 87: the same grid (the frequencies commit picked twice at a merge: a bump alone)
    # 88: the same grid; milestone done and not-done words and marks (achieved, ✅, not started)
    # 89: the same grid; a column's digit dates (03/04/2026) read in the order its dates show
    # 90: the same grid; a column with dates in both orders says so on each digit date
    # 91: the same grid; a digit date whose day is its month (05/05/2026) is read
    # 92: the same grid; only one-way dates show an order and are read in any column; 2/30 refused
    # 93: the same grid; zero-width characters dropped in dates and before the milestone check
    # 94: the same grid; a date cell the column's text order says may be swapped is warned of
    # 95: the same grid; a header typed as a number (2026) matches "2026", not "2026.0"
    # 96: the same grid; a header typed twice is said at the column passed over
    # 97: the same grid; two noted headers of one field are said at the first of them
    # 98: the same grid; a header row repeated with number headers (2026) is skipped; a
    # mapping's settings read another way than written warn at the tab (TabSpec.said)
    # 99: formula_cells, uncalculated and shared_from hold the cells with no ``r`` too
    # 100: the same grid; objective blocks: a formula with no value in Baseline, Goal or
    # Actual makes a key result, and a key result's own objective cells so are not filled
    # 101: the same grid; objective blocks: the key results under a header of formulas
    # with no value (skipped as empty) are an unknown objective's, not the one above's
    # 102: the same grid; a merge whose first row is hidden fills its shown rows
    # (fill_down)
    # 103: ``uncalculated`` lists an .ods file's formulas with no value too
    # 104: percent_cells, percent_ones and rich values place the cells with no ``r`` too
    # 105: the same grid; objective blocks: a row whose Type or Aligns to says objective
    # stays one whatever formula with no value its Baseline, Goal or Actual holds
    # 106: the same grid; a tab holding " named as typed: 'Bob's "Q1"', not 'Bob''s "Q1"'
    # 107: the same grid; a tab holding " with ' at an end named «'x "y"'», not ''x "y"''
    # 108: the same grid; a data row of numbers equal to number headers (K2 | 2025 | 2026)
    # is read unless it repeats the header row (it was skipped as one)
    # 109: the same grid; objective blocks: a row whose KR ID is filled in a column of its
    # own stays a key result whatever formula with no value its Baseline, Goal or Actual
    # holds
    # 110: the same grid; the swapped-date warning only where no date cell's day is past
    # 12; two-digit years (15/02/26); dashes, zero-width and direction marks in choices
    # 111: the same grid; a tab holding both " and ' anywhere named in guillemets
    # 112: the same grid; headers and tab names typed full-width (Ｔａｒｇｅｔ) match (NFKC)
    # (and, in the same bump, no tab named, one tab for both kinds and no room for owned
    # columns say the mapping's warnings after the error; an optional field whose header the
    # mapping names and the sheet lacks is said at the tab, TabSpec.named in the key)
    # 113: the same grid; a key result or KPI whose only errors are in cells its score does
    # without (Due date, Owner, Confidence, Frequency, As of...) is kept, those fields
    # blank and named in KeyResult.unread / KPI.unread (it was left out, TeamInput without it);
    # an objective whose title is in error is kept, untitled; a title or Aligns to a row
    # cannot read (#REF!, a date) is taken from a row below
    # 114: the same grid; a number cell of only zero-width characters, or one beside an
    # empty word ("n/a\u200b"), is no value, not "expected a number"
    # 115: the same grid; the example prefix is a whole word: a row whose key result says
    # "Examples gallery: ..." is read, not skipped as an example
    # 116: the same grid; an owned header typed twice (Status) is the column holding the
    # statuses the sync wrote, else the one among its other owned columns, not the first
    # 117: ``fills``, the cells in one of the fills the sync writes (.xlsx), and
    # TabExtract.owned_fills: a Status cell recoloured by hand is coloured again
    # 118: a Google read's grid has ``fills`` too (userEnteredFormat.backgroundColor)
    # 119: the same grid; a repeat of the header row does not keep the sync's Status
    # column (an owned header typed twice, 116) from holding only its statuses
    # 120: the same grid; a confidence word or fraction with zero-width characters
    # ("High\u200b", "7\u200b/10") reads, as its number did
    # 121: ``placeholder_values``; a formula's 0 in a workbook XlsxWriter wrote (``calcPr
    # calcId="124519" fullCalcOnLoad="1"``) reads as no value, not 0
    # 122: the same grid; an .ods formula with no value repeated across columns
    # (``table:number-columns-repeated``) is listed in ``uncalculated``, each of its cells
    # 123: the same grid; an ISO 8601 date cell with a zone (``t="d"``, ``...T10:30:00Z``,
    # ``+02:00``) reads as its date or datetime (UTC), not as text
    # 124: the same grid; a second tab of one kind under a near name (KPIs 2026 beside
    # KPIs, Copy of OKRs) is said at that tab, naming the tab read
    # 125: the same grid; a row of units alone (| % | EUR | days |) right under the header
    # row is skipped, not read as a data row with an error at each cell
    # 126: the same grid; TabLayout.no_start and TeamInput.no_start: a key-result tab with
    # no Start column is said once at the tab, not at each number key result's row
    # 127: the same grid; a KPI tab that is required and missing is an error finding, the
    # key results read (the read was a LayoutError, the team failed)
    # 128: the same grid; a full-width ％ or ＃ in a header is % or # (KR ＃ is KR #), not
    # dropped as punctuation (KR ＃ read as KR)
    # 129: the same grid; TeamInput.failed_krs (objective, KR ID, row of a key result left
    # out as it was read, its Weight not 0): an objective whose others weigh 0 names them
    # 130: the same grid; objective blocks: a header's field in error (a title showing
    # #REF!) is said at the header's cell only, not again at each key result row (3:3)
    # 131: the same grid; an objective's Aligns to (title, type) taken from a row below
    # its first keeps that row's cell in Objective.origin.cells: its warning names B3, not
    # B2
    # 132: ``placeholder_values`` holds the cells of a script's 0s (it was one flag for
    # the workbook); a formula saved with no value beside them gets the plain advice
    # ("open the file in Excel or LibreOffice")
    # 133: the same grid; an XlsxWriter array formula's other cells (a bare ``<v>0</v>``)
    # are placeholders with its first, no value, not 0
    # 134: the same grid; ``fullCalcOnLoad="1" calcId="124519"``, the flag first (the
    # sync's, on an Excel 2007 file), marks no placeholders: a formula's 0 there is read
    # 135: the same grid; an untyped cell with spaces (``<v> 007 </v>``) beside a padded
    # ``t="n"`` one reads as calamine's text, as it does alone, not as the number
    # 136: the same grid; an .ods cell repeated over more than 100 columns lists its first
    # 100 in ``uncalculated`` and ``percent_cells``, not its last
    # 137: the same grid; an ISO date cell with a zone and no time (``2026-01-05+02:00``)
    # reads as its midnight in UTC, not as text
    # 138: ``fills`` holds the owned header's grey-blue (D9E1F2) too; a Status typed twice
    # is the sync's by that header fill, or by statuses each in the sync's fill, never by
    # words a team typed ("Achieved" by hand counted as the sync's, and was written over)
    # 139: the same grid; a digit or "_" after the example prefix ends its word (only a
    # letter goes on it): "Example1" is an example row again, as before 115; zero-width
    # characters before it are dropped ("\u200bExample:")
    # 140: the same grid; TabExtract.owned_fills holds the Status column's fills alone
    # (the plan reads no other): smaller entries
    # 141: ``fills`` holds the owned header's grey-blue in the first 20 rows alone
    # (grid.HEADER_FILL_ROWS): a header further down is told by the other rules
    # 142: the same grid; a units row is one of unit words (no NPS, users, score, date but
    # in a date column) in value, unit and date columns only, with no formula: a first row
    # with an ID or name, or formulas with no value, is read
    # 143: the same grid; a header whose full-width ％ or ＃ dropped matches the mapping (as
    # until 128) is read, with a warning at it (it was a missing column)
    # 144: the same grid; a missing tab's error names a tab of a near name (did you mean
    # "KPIs 2026"?)
    # 145: the same grid; a near tab kept for the record (old, archive, template),
    # numbered (KPI 1) or of another year or quarter than the period's is not said (the
    # period is in the key: extract is given it)
    # 146: the same grid; a Status typed twice is the sync's only where its cells hold
    # blanks or the sync's statuses in their fills (an .ods: blanks): a team's column
    # inserted with the grey-blue header is no longer written; none such, the tab's error
    # 147: the same grid; each bare ``<v>0</v>`` in an XlsxWriter array formula's range
    # but its first cell is a placeholder, whatever the first holds (a value given) and
    # whatever the cells' format (a date or duration: they read 00:00 and 0:00:00)
    # 148: the same grid; a units row's formula that makes it a data row is one in a
    # column the mapping reads: a helper column's or an ARRAYFORMULA's does not
    # 149: the same grid; a period's year, quarter and half are its name's too (FY27 Q1,
    # FY2027, H1) beside its dates' calendar ones: a fiscal period's OKRs Q1 is said
    # 150: the same grid; a missing tab's "did you mean" names the tabs of the period
    # first, then the others in tab order (OKRs Q4 before OKRs 2025 in Q4 2026)
    # 151: the same grid; a fiscal period (its name says FY27) has its name's fiscal year,
    # quarter and half in place of its dates' calendar ones: in FY27 Q1 (from October)
    # OKRs FY26 and OKRs Q4 are not said, a plain 2026 or 2027 is; FY27Q1, Q1FY27, FY 27
    # and 2026Q4 are read as periods
    # 152: the same grid; a fiscal period reads a tab's period words two ways, fiscal or
    # calendar (a plain year and no FY: its dates' year, quarter, half), all at once: in
    # FY27 Q1 OKRs 2026 Q4 is said, OKRs Q1 2026 not; a period's quarter that is none of
    # its dates' calendar ones (Q1 2027 from October) makes it fiscal; a span, FY 2026-27
    # or FY26/27, is both its fiscal years; Q4'26, Q4 26, 4Q26 are Q4 of 2026
    # and OKRs final, a copy's word after it, is a near name
    # (and in okrs.sheet: [Final OKRs], Copy of Final OKRs is); (2025) a year, no copy;
    # a year and a quarter or half named together are a pair of the dates' (OKRs Q1 2026
    # not FY27 H1's, 2026-10-01 to 2027-03-31); a span is a fiscal period's if its years
    # are its fiscal year's calendar years (OKRs FY26/27 Q1 in FY27 Q1 from October);
    # Q4/26, Q4.26, 26-Q4, 26Q4 are Q4 of 2026
    # 153: the same grid; a missing tab's error says what to do (rename the tab, or give
    # its name in the mapping's okrs.sheet / kpis.sheet); in review, before the branch
    # was merged: it names the tab pointed at (Rename "Q4 OKRs" to OKRs) and the mapping
    # file (a built-in: a copy of it in the workspace's mappings/), a required KPI tab may
    # be added or made optional, and the mapping file is in the cache key
    # 154: the same grid; an owned column added beside a header that is its header with a
    # note or sign ("Score (auto)", "Score %") warns at that header
    # 155: ``RowRecord.filled`` (the cell each filled-down field came from): a cell in
    # error filled down is said once at its cell, not at each cell it fills
    # 156: the same grid; a key result of KR type percent whose Unit is in error takes no
    # unit % from its percent cells (a blank Unit does)
    # 157: the same grid; a header's note in full-width brackets (``Target（EUR）``) is a
    # note, the column read as Target (it was missing)
    # 158: the same grid; a key result whose KR ID names another objective of the tab than
    # the one the fill-down rule reads it under (O2.2 under O1 after a sort by owner, or
    # O2's first row deleted) warns on its Objective ID cell
    # 159: SheetGrid.grouped_rows, the hidden rows of an .xlsx inside a row group (an
    # ``outlineLevel``); a tab's hidden rows of data are named in one warning, those in a
    # collapsed group in another (until 2026-12-07 skipped without a word)
    # 160: the same grid; a missing tab's advice names the tab pointed at (Rename "OKRs
    # Q4" to OKRs) only when it is of the period, not kept: last quarter's "OKRs Q3" alone
    # in Q4 is pointed at, and the advice is the one with no tab ("Rename the tab that
    # holds the key results to OKRs, ...")
    # 161: the same grid; a value filled from a merge's hidden first row (a milestone's
    # Done) is each row's own error unless every row reads it alike (an objective's)
    # 162: the same grid; the rows of an objective left out for an Objective type filled
    # down from a cell in error note why (until then: only "unknown objective O1")
    # 163: the same grid; an owned header typed twice (Status, Score, Expected, Sync
    # notes, Variance, Trend) is written only in the one column headed in the sync's
    # grey-blue (read as far down as the mapping seeks a header), never another; what it
    # holds may rule it out (a typed value under a Status, a number out of the sync's look
    # or a formula under a Score or Expected), which is the tab's error naming the cell;
    # no mark or several: the tab's error (a Status holding the sync's statuses, every
    # other column holding the team's, aside)
    # 164: the same grid; hidden rows inside a row group are "hidden, inside a row group"
    # (not "in a collapsed row group": a row hidden by hand in an expanded group is
    # written alike), a hidden row's advice is to delete it or move it to an archive tab,
    # past 20 spans the rest are counted, a hidden Excel Table totals row is not named
    # 165: the same grid; a KR ID naming an objective no row names asks "its first row
    # deleted or hidden?"; an objective number past 15 digits is shaped as none (an ID of
    # 5,000 digits failed the team with an internal error)
    # 166: the same grid; a KR ID past 100 characters is not compared with the objectives'
    # IDs (no warning that it names another: a 100,000-character ID took minutes)
    # 167: the same grid; a KR type or KPI Direction typo merged down from a hidden row is
    # said once at the merge's first cell (D3), the rows below noting it (it was said at
    # each row of the merge)
    # 168: the same grid; a header's note in lenticular or tortoise-shell brackets
    # (``Target【EUR】``, ``Target〔EUR〕``) is a note, the column read as Target (it was
    # missing)
    # 169: the same grid; objective blocks: a key result whose ID names another objective
    # than the objective row above it warns at its ID cell (as the rows layout did alone)
    # 170: the same grid; objective blocks: the objective row a misplaced key result's
    # warning names (its row N) is its header row, not a key result row above whose #
    # reads empty (blank, an error, past 100 characters)
    # 171: the same grid; objective blocks: a key result whose ID names an objective no
    # row names is told to add (or unhide) that objective's row above it (it was told to
    # move its row under that objective's, a row that is not there)
    # 172: the same grid; a header's note in white lenticular brackets (``Target〖EUR〗``)
    # is a note, the column read as Target (it was missing)
    # 173: the same grid; a fiscal year spelled out (Fiscal 2027, Fiscal Year 2027) and a
    # plain-year span (OKRs 2026-27, read as FY 2026-27) are period words: such a tab is a
    # near name warned of (until then a word of its name, or numbered)
    # 174: the same grid; a near tab's period words spaced or dashed otherwise (Fiscal
    # 2027, Fiscal Q1 2027, Year 2026-27, 2026–27, 2026 - 27) read as the fiscal year or
    # span they name: such a tab is a near name warned of (until then words of its name)
    # 175: the same grid; a period of less than a year named for a span only (Winter
    # 2026-27) has its dates' calendar quarters, not all four: fewer near tabs warned of
    # 176: the same grid; an owned column added beside its header with a note holding
    # brackets of its own ("Score (auto (by sync))", "Score [(auto)]") warns at that
    # header
    # 177: the same grid; a number in a part with leading zeros (a row's r, a cell's s, a
    # numFmtId or fillId of "0000000000000000003") is read as its value (past 18 characters
    # it was one past every real one: a hidden row refused the tab, a percent or fill lost)
    # 178: the same grid; a header whose first bracketed note closes before its end ("Score
    # (H1) vs target (H2)", "Score [old] / Score [new]") is a team's own column, not warned
    # of as a renamed Score
    # 179: the same grid; a cell's padded style (s="01") is that style's, its percent format
    # and fill read (it was none)
    # 180: the same grid; a renamed owned header whose note in 【】 or 〖〗 holds brackets of
    # its own ("Score〖auto (x)〗") is warned of
    # 181: the same grid; a confidence over 10 and under 11 (10.5) is the cell's error,
    # not 10.5 % (0.105)
    # 182: the same grid; a confidence is judged as its cell shows it (15 digits): a
    # formula's 10.000000000000002 reads 1.0 (181 said it was over 10; 180 and before read
    # it 0.1), 9.999999999999998 too (an error)
    # 183: the same grid; a confidence below 1 reads as it is, not as shown: a formula's
    # 0.9999999999999999 (100 % in a percent cell) reads 0.9999999999999999 (182 read 0.1)
    # 184: the same grid; a confidence a step from 1 (a formula's 1.0000000000000002) in a
    # percent cell shows 100% and reads 1.0 (183 and before: 1 of 10, 0.1)
    # 185: the same grid; a numFmtId (a cell's xf's, a custom format's) or a Table's
    # totalsRowCount is read as XSD reads an unsignedInt: numFmtId=" 10 " (or "+10") is
    # the percent format 10 (184 and before: none), totalsRowCount="1\xa0" is no count
    # (184 and before: 1, its last row dropped as a totals row)
    # 186: the same grid; a tab of a workbook whose xl/sharedStrings.xml is no XML is
    # refused, naming the part (185 and before: read as calamine read it, a text cell
    # of <si><<t>Objective</t></si> empty, without a word)
    # 187: the same grid; a cell's s and a style's fillId are read as XSD reads an
    # unsignedInt: a cell in the percent format written s=" 1 " (or "+1") is in it, its
    # 100% read 1.0 (186 and before: no style, 1 of 10), a fill of fillId=" 2 " is read
    # 188: the same grid; a zip entry whose name holds a NUL (``xl/media/a.png\0../../evil``,
    # which ``zipfile`` cut to ``xl/media/a.png``) is refused as unsafe, not read
    # 189: the same grid; a number over 1 in a percent cell is the percentage it shows: 2
    # (200%) and 1.5 (150%) are the error a typed 200% is (188 and before: 2 read 2 of 10,
    # 0.2, 12 read 12 %, and 1.5 was an error quoting 1.5)
    # 190: the same grid; RowRecord.percent_confidence: a number over 1 in a percent cell
    # is the error of its percentage built from the number, never parsed again as text
    # (189: 1.00001, 100.001%, "ambiguous (thousands dot ...)"; 1e20 "expected a number")
    # 191: the same grid; a Google number in a format whose pattern has a % outside quotes
    # (NUMBER "0%") is a percent cell, its 1 a typed 100% (190: only the PERCENT type)
    # 192: the same grid; a number over 1 filled down (fill_down) from a percent Confidence
    # cell is that cell's percentage (RowRecord.percent_confidence): 191 read a 2 from a
    # 0% cell 2 of 10 (0.2) in the blank cell below
    # 193: the same grid; a Google number format's pattern, when given, decides whether
    # its cells show a percentage whatever the type: PERCENT "0.00" is no percent cell (192
    # read it one, its 2 the error of 200%)
    # 194: the same grid; a Google DATE or DATE_TIME number format's pattern, when given,
    # decides whether its cells show a date: {DATE, "0.00"} reads its number (193 read
    # 46000 as the date 2025-12-09)
    # 195: the same grid; RowRecord.percent: a percent-checked value filled down is judged
    # by the cell it came from (194: by the blank cell it was filled into)
    # 196: the same grid; a Google DATE/TIME/DATE_TIME format whose pattern has no date
    # element but a bare % ({DATE, "0%"}) is a percent cell (195: never one)
    # 197: the same grid; a Google DATE_TIME number whose pattern's only time element is
    # elapsed ({DATE_TIME, "[h]"}) reads as the datetime (196: the number, [h] taken for a
    # [colour])
    # 198: the same grid; Origin.filled: a key result's or KPI's fields filled down, with
    # the cell each came from, so a lint warning names it ("(filled down from J2)")
    # 199: the same grid; a format code is a percent one by the section a positive value
    # is shown by (numfmt.positive_section): 0;0% and [>=1]0;0% are none, their 1 read 1
    # (198: a % in any section made a percent cell, its 1 a typed 100%)
    # 200: the same grid; a lone section's [condition] decides too: [<1]0% and [>1]0% are
    # no percent cells, their 1 read 1 (199: a code with no ; was a percent one)
    # 201: the same grid; the extent scan reads a content cell's reference by calamine's
    # rules: A00000003 and AAAA3 are read (193 refused the tab: bad cell reference), C0
    # and a far C4294967297 or 22-letter column are refused in other words
    # 202: the same grid; a content cell's bad reference refuses the tab only where
    # calamine reads the cell, in the first sheetData (194 refused it anywhere: after the
    # sheetData, in a second one, in an extLst)
    # 203: the same grid; a reference's letters are read by the reader's rule wherever
    # cellscan.parse_ref reads one (any number, not 1-3): a percent cell at AAAA3 is in
    # the percent format, an autoFilter or Table ref reaching AAAA is read (195: none)
    # 204: the same grid; a rich value (vm) cell is placed by calamine's rule: a C00000002
    # or c2 reads as its rich value, France (196: its fallback #VALUE!)
    # 205: the same grid; a tab too large with a content cell past Excel's grid names the
    # cell as damage with what to do (197: too large, said by the extent)
    # 206: the same grid; a typed 100% Confidence (1 in a percent cell) filled down from a
    # merge whose first row is hidden reads 100% (205: the merge's raw 1, 1 of 10)
    # 207: the same grid; a format code's date element (Google) is looked for in the
    # positive section, a spacer's letter none ({DATE, "0;yyyy"} reads its number; 206 the
    # date), and a stray [ is one character (.xlsx and Google: [%[>=1]0 is a percent code)
    # 208: the same grid; a Google date pattern whose only time element is an a/p marker
    # ({DATE, "0 a/p"}) reads as the datetime, as calamine reads it (207: its number)
    # 209: the same grid; a tab's extent counts only the cells calamine reads (a far cell
    # after </sheetData> read, 208: too large), rows in a later <sheetData> refuse the tab
    # (208: lost), an r written A&#50; names its cell, and the styles are read from the
    # part the workbook's relationship names with padded numFmtIds as numbers, as Excel
    # and LibreOffice show them (208: xl/styles.xml as calamine reads it: a date a number)
    assert (FORMAT, fields[-1]) == (209, "grouped_rows")
