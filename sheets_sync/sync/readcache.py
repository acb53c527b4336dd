"""Skip parsing a team workbook whose bytes the tool has seen before.

Most teams do not edit their sheet every day, yet every night the sync must know what is
in it. A parse (package checks, XML scan, mapping, domain objects) costs ~10 ms a team; a
sha256 of the file costs ~0.05 ms. So each parse is kept under a key made of the file's
sha256, the team's name, display name and mapping, and the code's own fingerprint, in
``.sheets-sync/cache/``. The key names exact bytes, so a hit is what a parse would give.

After a write-back the tool knows the new file too: the same inputs, and in each owned
cell the value it wrote. That entry is stored under the sha256 of the bytes written, so
the next night does not parse a file only the tool changed. (Not when the write added
owned columns' headers: the layout moved, and the next read parses again.) Teams that
share a workbook write it in turn: ``refile.py`` moves their entries to the bytes the
last write left.

Entries are pickles written by this tool into the workspace's own state folder (one
slot per team, its newest read: the key's pickle, the sha256 of the read's pickle, then
the read's, so a slot whose key does not match is not loaded further, and a damaged one
is not loaded at all); a corrupt, unreadable or outdated entry is a miss. Entries are
loaded with ``unpickle`` (the state folder may sit on a share others can write): one
naming anything but the tool's own data classes is refused, a miss too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sheets_sync import unpickle
from sheets_sync.atomic import is_temp_name, remove_stale
from sheets_sync.code_version import code_digest
from sheets_sync.domain.models import Period, TeamInput
from sheets_sync.grid import OWNED_FILLS, CellValue, CellWrite, WorkbookData
from sheets_sync.loggers import get_logger
from sheets_sync.mapping.extract import Extract, TabExtract
from sheets_sync.pickling import RefuseBuild, fast_pickle
from sheets_sync.workspace_spec import TeamSpec

log = get_logger("sheets_sync.sync")
FORMAT = 188  # bump when Extract, TeamInput or WorkbookData change shape, a parse gives other
# values for the same bytes (6: a confidence of 100% in a percent cell; 7: tabs found by
# grid.tab_key, headers of any script; the slot holds a digest; 8: a key result's cells in
# a percent format; 9: an Excel Table's totals row is no data row; 10: a row a filter hides
# is read; 11: headers with a note, comment-only and repeated header rows skipped, text
# numbers such as "1.234" refused, a weight's percent format; 12: an .ods file's null date
# counts its day numbers, meta["date_epoch"]; 13: a Google number in a date format is a
# date; 14: a checkbox in a counting key result's Current says "milestone"; 15:
# SheetGrid.used_cols, owned columns added right of formulas showing blank; a zip with
# two members for one part refused; no room for added owned columns is the tab's error;
# 16: a percent KR type with no unit and percent values is in %; a confidence of 33.3 is
# 0.333; 17: a confidence typed 3.3/10 is 0.33, not 0.32999999999999996; a cell stored
# in another row's element refused; 18: a KPI's cells in a percent format,
# KPI.shown_as_percent; 19: a percent cell with no number shows no percentage; 20: a
# percentage typed as text is its decimal value rounded once, "4.4%" 0.044; 21: a
# confidence typed "100％" (full-width sign) is 1.0, not 0.1; 22: owned columns added
# right of merged ranges from the header row down; SheetGrid.formula_cells,
# TabExtract.owned_formulas: an owned cell showing a formula is written; 23: only merges
# across the header row or a row the sync writes move added owned columns; 24:
# SheetGrid.formula_cells holds formula texts, formula_arrays array ranges as boxes,
# TabExtract.owned_formulas the texts; 25: the percent styles are the first cellXfs with
# an end tag, not from a self-closing one; 26: a Google read fills formula_cells; an
# .xlsx formula's text is unescaped as XML, not HTML; 27: x14ac:t="e" and t="e" inside
# another attribute are no error cells; a part the error-code swap misread is parsed; 28:
# a lone surrogate in a text cell reads U+FFFD; 29: SheetGrid.kind, a chart sheet's or
# Google connected-data sheet's layout error; 30: two tabs that read as one name are
# warned of; 31: SheetGrid.hidden_cols, owned columns added right of
# columns hidden by hand; 32: a long text cell is cut in UTF-16 code units, as Excel
# counts them; 33: a <col>'s hidden decides before its width, a min past XFD skipped, a
# Google column hidden by hiddenByUser alone; owned columns in hidden columns warned of
# every run; 34: TeamInput.failed_kr_objectives, a failed key result counts for its
# objective; a missing column's layout error names the header cells showing errors; 35:
# a date before 1900-03-01 refused, as the day numbers below 61; 36: a checkbox or date in
# an ID column is the cell's error, "no header row" names the cells that may be the header
# showing errors, old owned columns the sync no longer writes are warned of; 37: a finding
# quotes a whole number as typed, 12 not 12.0; 38: a percent format code with a raw > in it
# is read; 39: a <col> 0 wide is hidden whatever its hidden says; 40: a <col> with no
# width is hidden whatever its customWidth says; a character reference with leading zeros
# is read, not an internal error; 41: a Google number in a TIME format reads as the time
# of day; a date or checkbox in a KPI link or Aligns to is said and left out; an old owned
# column is said only beside owned columns out of their order; a data row's errors are not
# named as the header's; 42: goals and KPIs found on one tab by a fallback name both tab
# lists hold are the team's layout error; 43: a Google number in a TIME format reads as a
# number again, as before 41: a duration [h]:mm:ss under a day failed as a time; 44: the
# old-owned-column warning of 36 and 41 taken out: it fired on teams' own columns; 45: an
# Excel linked data type reads as the name it shows; 46: a row of unchecked checkboxes
# (FALSE) only is an empty row; 47: in the objective-blocks layout an unchecked checkbox
# (FALSE) leaves an objective row an objective row, but for a milestone; 48: nor on a row
# with a KR ID or key result in a column of its own; 49: a 0% puts no percent key result
# in %, and is no percentage among weights; 50: nor on a row with a KR type, Unit, Weight,
# Confidence, Due date or KPI link, unless it names an objective type or Aligns to; 51:
# nor on a row whose objective ID is in a column of its own, or in the shared one but not
# extending the current objective's: O2 with a Due was a key result of O1; 52: a cell
# showing an Excel 365 error value (#SPILL!, #GETTING_DATA) says why and what to do; 53:
# #TIMEOUT! too, and other words for #SPILL!, #CONNECT! and #EXTERNAL!; 54: a Google
# read's grid has formula_arrays, the ranges array formulas fill (owned cells there are
# written, refused); 55: an ARRAYFORMULA's range is as big as its ranges on the tab, H2:I4
# 3 by 2 though its I column shows nothing yet; 56: in objective blocks, a row with a
# blank "#" and only a Due, Confidence or Weight, or with an objective title in a column
# of its own, stays an objective; a key result an objective reads the same as is marked,
# its FALSE's error naming both; 57: a number in a finding's message has the 15
# significant digits Excel shows, every digit where two compared would read the same; a
# number read as text keeps its digits; 58: an ARRAYFORMULA's range stops before the first
# typed cell or formula; 59: a cell showing a classic error value (#DIV/0!, #N/A, #REF!,
# Google's #ERROR!) says why and what to do; 60: in objective blocks, an unticked row
# numbered as a key result (KR3, K1, KR-7 under O1) is one, bare numbering (2, b) under O1)
# is read as O1.2 is, IDs compared in NFKC; an ID cell's full-width characters read plain
# (Ｏ１ is O1), a key result above the first objective row says so at its ID, a KR ID number
# repeating one above says a number drops its zeros, a row numbered KR3 under O1 with
# Baseline, Goal and Actual blank is a key result, an objective's other title is said once,
# a KR ID repeated under another objective says why; 61: Google arrays stacked one a row
# are each their own formula_arrays range; 62: a Google cell of an odd shape fails the
# read, naming it ({"stringValue": null} read as the text None); 63: a classic error's words
# say "or a cell it draws on", #N/A's start with NA(); 64: IDs kept as typed again (Ｏ１
# stays Ｏ１, compared through domain.ids.id_key), KR1 on a blocks tab's first row is an
# objective, V under IV and X under IX are objectives, i to iv under O1 read as O1.2,
# TabLayout.blocks: "above the first objective row" in objective blocks only; 65: a
# Google 2-D array's cells after a blank result stay its beside a plain formula
# (=ROW()*2 took them), a number too large for a float fails the read naming the cell);
# 66: in objective blocks, the next letter under a one-letter objective is the next
# objective (D under C, E under D: objectives A to E lost D and E), and a word of roman
# letters (CI, MIX under O1) is no numbering; 67: Google arrays one a row end at any
# formula on the row (=IFERROR(ARRAYFORMULA(..)), =HSTACK(..)), a column's array under
# typed cells is its own, a formula that may spill ranks first after blank results:
# other formula_arrays ranges; 68: a finding or layout error names a tab as a formula
# does, OKRs and 'OKRs ', not Python's 'OKRs'; 69: CellError.typed, an error value a cell
# holds with no formula, whose finding says so; 70: a zip member in a compression other
# than stored or deflate (bzip2, LZMA) is refused, where one calamine never read did
# read; 71: a row-per-KR row naming another objective ID fills nothing down from the
# objective above; 72: WorkbookData.uncalculated, formulas saved with no value; 73: a
# cell merged down over two objectives fills both, an objective's other type quoted as
# typed; 74: a title, type or Aligns to a first row leaves blank comes from a later row;
# 75: an objective whose rows spell its ID two ways is named by the most common
# spelling, a tie to the first in code-point order; 76: a formula's error is no typed
# one in a prefixed sheet (<x:f>, whose formula_cells are read now too), a data table's
# cells, or a cell with no r; 77: the twin-tabs warning and the one-tab layout error
# name a tab as it is typed, "Bob's", not 'Bob''s'; 78: SheetGrid.shared_from, an
# objective's repeat names the row of the value kept, fill-down tells a new objective
# without objective_id in fill_down and through an empty merge, formulas with no value
# are said on skipped rows, in </f >, <v xml:space>, t="str"/"e"; 79: layout errors and
# the twin-tabs warning name every tab as typed, a name with " as a formula does; 80: a
# formula's text ends at </f > too, not at the next formula's </f>, a row of t="e"
# formulas with no value is an empty row, not a record with no IDs, a fill_down cell of a
# formula with no value is not filled from above, nor are those below it; 81: an
# objective's repeat warning says Aligns to, its header, not aligns_to; 82: a row with
# its own ID or description is read whatever its Comment, not skipped as an example;
# 83: an example row whose IDs hold spaces is skipped, not read as one with none; 84: a
# row read with the template's example objective warns on its objective cell; 85: an
# example row with an ID or objective of the team's own warns on its Example cell; 86: a
# KPI's Frequency reads daily, biweekly, semiannual and yearly; 87: (the frequencies
# commit picked twice at a merge: a bump alone); 88: milestone done and not-done words
# and marks (achieved, ✅, not started); 89: a column's digit dates (03/04/2026) read in
# the order its dates show; 90: a column with dates in both orders says so on each digit
# date; 91: a digit date whose day is its month (05/05/2026) is read; 92: only one-way
# dates show an order and are read in any column; 2/30 refused; 93: zero-width
# characters dropped in dates and before the milestone check; 94: a date cell the
# column's text order says may be swapped is warned of; 95: the same grid; a header
# typed as a number (2026) matches "2026", not "2026.0"; 96: a header typed twice is said
# at the column passed over; 97: two noted headers of one field are said at the first;
# 98: a header row repeated with number headers (2026) is skipped, a mapping's settings
# read another way than written warn at the tab (TabSpec.said); 99: formula_cells,
# uncalculated and shared_from hold the cells with no ``r`` too; 100: the same grid;
# objective blocks: a formula with no value in Baseline, Goal or Actual makes a key
# result, and a key result's own objective cells so are not filled; 101: the same grid;
# objective blocks: the key results under a header of formulas with no value (skipped as
# empty) are an unknown objective's, not the one above's; 102: the same grid; a merge
# whose first row is hidden fills its shown rows (fill_down); 103: ``uncalculated``
# lists an .ods file's formulas with no value too; 104: percent_cells, percent_ones and
# rich values place the cells with no ``r`` too; 105: the same grid; objective blocks: a
# row whose Type or Aligns to says objective stays one whatever formula with no value
# its Baseline, Goal or Actual holds; 106: the same grid; a tab holding " named as
# typed: 'Bob's "Q1"', not 'Bob''s "Q1"'; 107: the same grid; a tab holding " with ' at
# an end named «'x "y"'», not ''x "y"''; 108: the same grid; a data row of numbers equal
# to number headers (K2 | 2025 | 2026) is read unless it repeats the header row (it was
# skipped as one); 109: the same grid; objective blocks: a row whose KR ID is filled in
# a column of its own stays a key result whatever formula with no value its Baseline,
# Goal or Actual holds; 110: the swapped-date warning only where no date cell's day is
# past 12; two-digit years (15/02/26); dashes, zero-width and direction marks in
# choices; 111: the same grid; a tab holding both " and ' anywhere named in guillemets;
# 112: the same grid; headers and tab names typed full-width (Ｔａｒｇｅｔ) match, NFKC; no
# tab named, one tab for both kinds and no room say the mapping's warnings; an optional
# field whose header the mapping names and the sheet lacks is said, TabSpec.named keyed;
# 113: the same grid; a key result or KPI whose only errors are in cells its score does
# without (Due date, Owner, Confidence, Frequency, As of...) is kept, those fields blank
# and named in KeyResult.unread / KPI.unread (it was left out, TeamInput without it); an
# objective whose title is in error is kept, untitled, and a title or Aligns to its row
# cannot read is taken from a row below; 114: the same grid; a number cell of only
# zero-width characters, or one beside an empty word ("n/a\u200b"), is no value, not
# "expected a number"; 115: the same grid; the example prefix is a whole word: a row
# whose key result says "Examples gallery: ..." is read, not skipped as an example; 116:
# the same grid; an owned header typed twice (Status) is the column holding the statuses
# the sync wrote, else the one among its other owned columns, not the first; 117:
# ``fills``, the cells in one of the fills the sync writes (.xlsx), and
# TabExtract.owned_fills: a Status cell recoloured by hand is coloured again; 118: a
# Google read's grid has ``fills`` too (userEnteredFormat.backgroundColor); 119: the
# same grid; a repeat of the header row does not keep the sync's Status column (an owned
# header typed twice, 116) from holding only its statuses; 120: the same grid; a
# confidence word or fraction with zero-width characters ("High\u200b", "7\u200b/10")
# reads, as its number did; 121: ``placeholder_values``; a formula's 0 in a workbook
# XlsxWriter wrote (``calcPr calcId="124519" fullCalcOnLoad="1"``) reads as no value,
# not 0; 122: the same grid; an .ods formula with no value repeated across columns
# (``table:number-columns-repeated``) is listed in ``uncalculated``, each of its cells;
# 123: the same grid; an ISO 8601 date cell with a zone (``t="d"``, ``...T10:30:00Z``,
# ``+02:00``) reads as its date or datetime (UTC), not as text; 124: the same grid; a
# second tab of one kind under a near name (KPIs 2026 beside KPIs, Copy of OKRs) is said
# at that tab, naming the tab read; 125: the same grid; a row of units alone (| % | EUR
# | days |) right under the header row is skipped, not read as a data row with an error
# at each cell; 126: the same grid; TabLayout.no_start and TeamInput.no_start: a
# key-result tab with no Start column is said once at the tab, not at each number key
# result's row; 127: the same grid; a KPI tab that is required and missing is an error
# finding, the key results read (the read was a LayoutError, the team failed); 128: the
# same grid; a full-width ％ or ＃ in a header is % or # (KR ＃ is KR #), not dropped as
# punctuation (KR ＃ read as KR); 129: the same grid; TeamInput.failed_krs (objective, KR
# ID, row of a key result left out as it was read, its Weight not 0): an objective whose
# others weigh 0 names them; 130: the same grid; objective blocks: a header's field in
# error (a title showing #REF!) is said at the header's cell only, not again at each key
# result row (3:3); 131: the same grid; an objective's Aligns to (title, type) taken
# from a row below its first keeps that row's cell in Objective.origin.cells: its
# warning names B3, not B2; 132: ``placeholder_values`` holds the cells of a script's 0s
# (it was one flag for the workbook); a formula saved with no value beside them gets the
# plain advice ("open the file in Excel or LibreOffice"); 133: the same grid; an
# XlsxWriter array formula's other cells (a bare ``<v>0</v>``) are placeholders with its
# first, no value, not 0; 134: the same grid; ``fullCalcOnLoad="1" calcId="124519"``,
# the flag first (the sync's, on an Excel 2007 file), marks no placeholders: a formula's
# 0 there is read; 135: the same grid; an untyped cell with spaces (``<v> 007 </v>``)
# beside a padded ``t="n"`` one reads as calamine's text, as it does alone, not as the
# number; 136: the same grid; an .ods cell repeated over more than 100 columns lists its
# first 100 in ``uncalculated`` and ``percent_cells``, not its last; 137: the same grid;
# an ISO date cell with a zone and no time (``2026-01-05+02:00``) reads as its midnight
# in UTC, not as text; 138: ``fills`` holds the owned header's grey-blue (D9E1F2) too; a
# Status typed twice is the sync's by that header fill, or by statuses each in the
# sync's fill, never by words a team typed ("Achieved" by hand counted as the sync's,
# and was written over); 139: the same grid; a digit or "_" after the example prefix
# ends its word (only a letter goes on it): "Example1" is an example row again, as
# before 115; zero-width characters before it are dropped ("\u200bExample:"); 140: the
# same grid; TabExtract.owned_fills holds the Status column's fills alone (the plan
# reads no other): smaller entries; 141: ``fills`` holds the owned header's grey-blue in
# the first 20 rows alone (grid.HEADER_FILL_ROWS): a header further down is told by the
# other rules; 142: the same grid; a units row is one of unit words (no NPS, users,
# score, date but in a date column) in value, unit and date columns only, with no
# formula: a first row with an ID or name, or formulas with no value, is read; 143: the
# same grid; a header whose full-width ％ or ＃ dropped matches the mapping (as until 128)
# is read, with a warning at it (it was a missing column); 144: the same grid; a missing
# tab's error names a tab of a near name (did you mean "KPIs 2026"?); 145: the same
# grid; a near tab kept for the record (old, archive, template), numbered (KPI 1) or of
# another year or quarter than the period's is not said (the period is in the key:
# extract is given it); 146: the same grid; a Status typed twice is the sync's only where
# its cells hold blanks or its statuses in their fills (.ods: blanks), else the tab's
# error; 147: the same grid; each bare ``<v>0</v>`` in an XlsxWriter array formula's
# range but its first cell is a placeholder, whatever the first holds (a value given)
# and whatever the cells' format (a date or duration: they read 00:00 and 0:00:00); 148:
# the same grid; a units row's formula that makes it a data row is one in a column the
# mapping reads: a helper column's or an ARRAYFORMULA's does not; 149: the same grid; a
# period's year, quarter and half are its name's too (FY27 Q1, FY2027, H1) beside its
# dates' calendar ones: a fiscal period's OKRs Q1 is said; 150: the same grid; a missing
# tab's "did you mean" names the tabs of the period first, then the others in tab order
# (OKRs Q4 before OKRs 2025 in Q4 2026); 151: the same grid; a fiscal period (FY27 Q1)
# has its name's fiscal year, quarter and half in place of its dates' calendar ones (OKRs
# FY26 and OKRs Q4 not FY27 Q1's), a plain year either; FY27Q1, Q1FY27, FY 27 are read;
# 152: the same grid; a fiscal period reads a tab two ways, fiscal or calendar, all its
# words at once (OKRs 2026 Q4 is FY27 Q1's, OKRs Q1 2026 not); Q1 2027 from October is
# fiscal; FY 2026-27, FY26/27 are both years; Q4'26, Q4 26, 4Q26 read as Q4 of 2026;
# OKRs final a near name, Copy of Final OKRs of okrs.sheet [Final OKRs]; (2025) a year;
# a year with a quarter a pair of the dates': OKRs Q1 2026 not FY27 H1's; a span a
# fiscal period's if its fiscal year's calendar years: OKRs FY26/27 Q1 in FY27 Q1;
# Q4/26, Q4.26, 26-Q4, 26Q4 read as Q4 of 2026; 153: the same grid; a missing tab's
# error says what to do, naming the tab pointed at and the mapping file (a built-in: a
# copy of it in the workspace's mappings/); a required KPI tab: add it, or make it
# optional; the file is in the key; 154: the same grid; an owned column added beside a
# header that is its header with a note or sign ("Score (auto)", "Score %") warns at
# that header; 155: ``RowRecord.filled`` (the cell each filled-down field came from): a
# cell in error filled down is said once at its cell, not at each cell it fills; 156:
# the same grid; a key result of KR type percent whose Unit is in error takes no unit %
# from its percent cells (a blank Unit does); 157: the same grid; a header's note in
# full-width brackets (``Target（EUR）``) is a note, the column read as Target (it was
# missing); 158: the same grid; a key result whose KR ID names another objective of the
# tab than the one the fill-down rule reads it under (O2.2 under O1 after a sort by
# owner, or O2's first row deleted) warns on its Objective ID cell; 159:
# SheetGrid.grouped_rows, the hidden rows of an .xlsx inside a row group (an
# ``outlineLevel``); a tab's hidden rows of data are named in one warning, those in a
# collapsed group in another (until 2026-12-07 skipped without a word); 160: the same
# grid; a missing tab's advice names the tab pointed at (Rename "OKRs Q4" to OKRs) only
# when it is of the period, not kept: last quarter's "OKRs Q3" alone in Q4 is pointed
# at, and the advice is the one with no tab ("Rename the tab that holds the key results
# to OKRs, ..."); 161: the same grid; a value filled from a merge's hidden first row (a
# milestone's Done) is each row's own error unless every row reads it alike (an
# objective's); 162: the same grid; the rows of an objective left out for an Objective
# type filled down from a cell in error note why (until then: only "unknown objective
# O1"); 163: the same grid; an owned header typed twice (Status, Score, Expected, Sync
# notes, Variance, Trend) is written only in the one column headed in the sync's grey-
# blue (read as far down as the mapping seeks a header), never another; what it holds
# may rule it out (a typed value under a Status, a number out of the sync's look or a
# formula under a Score or Expected), which is the tab's error naming the cell; no mark
# or several: the tab's error (a Status holding the sync's statuses, every other column
# holding the team's, aside); 164: the same grid; hidden rows inside a row group are
# "hidden, inside a row group" (not "in a collapsed row group": a row hidden by hand in
# an expanded group is written alike), a hidden row's advice is to delete it or move it
# to an archive tab, past 20 spans the rest are counted, a hidden Excel Table totals row
# is not named; 165: the same grid; a KR ID naming an objective no row names asks "its
# first row deleted or hidden?"; an objective number past 15 digits is shaped as none
# (an ID of 5,000 digits failed the team with an internal error); 166: the same grid;
# a KR ID past 100 characters is not compared with the objectives' IDs (no warning that
# it names another); 167: the same grid; a KR type or KPI Direction typo merged down from
# a hidden row is said once at the merge's first cell, the rows below noting it; 168:
# the same grid; a header's note in lenticular or tortoise-shell brackets (``Target【EUR】``,
# ``Target〔EUR〕``) is a note, the column read as Target (it was missing); 169: the same
# grid; objective blocks: a key result whose ID names another objective than the
# objective row above it warns at its ID cell (named_objective, as the rows layout); 170:
# the same grid; objective blocks: the objective row a misplaced key result's warning
# names is its header, not a key result above whose ID reads empty; 171: the same grid;
# objective blocks: a key result naming an objective no row names is told to add (or
# unhide) that objective's row above it, not to move its row under it; 172: the same
# grid; a header's note in white lenticular brackets (``Target〖EUR〗``) is a note too;
# 173: the same grid; a fiscal year spelled out (Fiscal 2027, Fiscal Year 2027) and a
# plain-year span (OKRs 2026-27, read as FY 2026-27) are period words: such a tab is a
# near name warned of (until then a word of its name, or numbered); 174: the same grid;
# a near tab's period words spaced or dashed otherwise (Fiscal  2027, Fiscal Q1 2027,
# Year 2026-27, 2026–27, 2026 - 27) read as the fiscal year or span they name: such a
# tab is a near name warned of (until then words of its name); 175: the same grid; a
# period of less than a year named for a span only (Winter 2026-27) has its dates'
# calendar quarters, not all four: fewer near tabs warned of; 176: the same grid; an
# owned column added beside its header with a note holding brackets of its own ("Score
# (auto (by sync))", "Score [(auto)]") warns at that header; 177: the same grid; a
# number in a part with leading zeros (a row's r, a cell's s, a numFmtId or fillId of
# "0000000000000000003") is read as its value (past 18 characters it was one past every
# real one: a hidden row refused the tab, a percent or fill lost); 178: the same grid; a
# header whose first bracketed note closes before its end ("Score (H1) vs target (H2)",
# "Score [old] / Score [new]") is a team's own column, not warned of as a renamed Score; 179: the
# same grid; a cell's padded style (s="01") is that style's, its percent format and fill read (it
# was none); 180: the same grid; a renamed owned header whose note in 【】 or 〖〗 holds brackets of
# its own ("Score〖auto (x)〗") is warned of (room kept a bracket list of its own without them);
# 181: the same grid; a confidence over 10 and under 11 (10.5) is the cell's error, not 10.5 %; 182:
# a confidence is judged as its cell shows it (15 digits); 183: a confidence below 1 reads as it is,
# not as shown; 184: a confidence a step from 1 (1.0000000000000002) in a percent cell is 100 %, not
# 1 of 10; 185: numFmtId, totalsRowCount read by XSD (" 10 "); 186: damaged sharedStrings refused;
# 187: s, fillId read by XSD (s=" 1 "); 188: a NUL in a zip name refused), or the slot format


@fast_pickle
@dataclass(frozen=True)
class CachedRead:
    """What phase 1 keeps of a read: no grids, no version (that comes from the file).
    Pickles as its arguments, and refuses BUILD (on the class or an entry, e.g. one
    pickled before it did: a miss), so ``unpickle`` need not fingerprint it each load."""

    data: WorkbookData
    extract: Extract
    team_input: TeamInput
    __setstate__ = RefuseBuild()


def cache_key(digest: str, spec: TeamSpec, size_limit: int, period: Period | None = None) -> str:
    """``digest``: the sha256 (hex) of the file's bytes. ``size_limit`` (the workspace's
    ``limits``) is part of it: a lower limit must see the file again; so is ``period``
    (the workspace's: a near tab of its year or quarter is said, ``mapping.near_tabs``)."""
    h = hashlib.sha256(f"{FORMAT}\x00{code_digest()}\x00{digest}\x00{size_limit}".encode())
    if period is not None:
        h.update(f"\x00{period.name}\x00{period.start}\x00{period.end}".encode())
    h.update(f"\x00{spec.name}\x00{spec.display_name}\x00".encode())
    h.update(spec.mapping.model_dump_json().encode())
    tabs = (spec.mapping.okrs, spec.mapping.kpis)  # ``required_columns: []`` dumps as unsaid
    said = [(t.said, t.named, t.mapping_file) for t in tabs if t is not None]  # nor named,
    h.update(repr(said).encode())  # nor the file a missing tab's error names
    return h.hexdigest()


def after_write(read: CachedRead, writes: Sequence[CellWrite]) -> CachedRead | None:
    """The read the written file would give, or None when the write moved the layout or
    touched a cell the extract does not hold as owned (then the next night parses)."""
    by_sheet: dict[str, dict[tuple[int, int], CellValue]] = {}
    filled: dict[str, dict[tuple[int, int], str]] = {}  # the fills the writes gave
    for w in writes:
        by_sheet.setdefault(w.sheet, {})[(w.row, w.col)] = w.value
        if w.style is not None and w.style.fill is not None:  # else the cell's fill stays
            fill = w.style.fill.upper()
            filled.setdefault(w.sheet, {})[(w.row, w.col)] = fill if fill in OWNED_FILLS else ""
    tabs: dict[str, TabExtract | None] = {"okrs": read.extract.okrs, "kpis": read.extract.kpis}
    for name, tab in tabs.items():
        if tab is None:
            continue
        if tab.layout.missing_owned:
            return None
        written = by_sheet.pop(tab.layout.tab, {})
        if not written.keys() <= tab.owned_values.keys():
            return None
        if written:  # a cell written holds a value now, no formula, and its fill
            fills = tab.owned_fills
            status = tab.layout.columns.get("status")  # the fills kept (``owned_fills``)
            given = {k: f for k, f in filled.get(tab.layout.tab, {}).items() if k[1] == status}
            tabs[name] = dataclasses.replace(
                tab,
                owned_values={**tab.owned_values, **written},
                owned_formulas={k: f for k, f in tab.owned_formulas.items() if k not in written},
                owned_fills=None if fills is None else {**fills, **given},
            )
    if by_sheet:
        return None
    okrs = tabs["okrs"]
    assert okrs is not None
    extract = dataclasses.replace(read.extract, okrs=okrs, kpis=tabs["kpis"])
    return dataclasses.replace(read, extract=extract)


@dataclass(frozen=True)
class ReadCache:
    """One entry per team (a slot named after the team), holding its newest read: the
    folder never grows past the number of teams, whatever the nights bring."""

    folder: Path

    def _slot(self, spec: TeamSpec) -> Path:
        name = hashlib.sha256(f"{spec.name}\x00{spec.display_name}".encode()).hexdigest()
        return self.folder / f"{name[:32]}.pickle"

    def get(self, spec: TeamSpec, key: str) -> CachedRead | None:
        found = self.entry(spec, key)
        return None if found is None else found[0]

    def entry(self, spec: TeamSpec, key: str) -> tuple[CachedRead, bytes] | None:
        """``get``, with the read's pickle as the slot holds it: a read kept for later
        need not be pickled again."""
        try:
            with open(self._slot(spec), "rb") as handle:
                if unpickle.load(handle) != key:
                    return None
                digest, value = handle.read(32), handle.read()
            if hashlib.sha256(value).digest() != digest:  # a flipped byte, not a parse
                log.debug("read cache entry for %s damaged", spec.name)
                return None
            read = unpickle.loads(value)
        except FileNotFoundError:
            return None
        except unpickle.RefusedPickle as exc:  # written by someone else: parse instead
            log.debug("read cache entry for %s refused: %s", spec.name, exc)
            return None
        except Exception as exc:  # torn or foreign file: parse instead
            log.debug("read cache entry for %s unusable: %s", spec.name, exc)
            return None
        return (read, value) if isinstance(read, CachedRead) else None

    def put(self, spec: TeamSpec, key: str, value: CachedRead) -> None:
        self.put_pickled(spec, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, spec: TeamSpec, key: str, value: bytes) -> None:
        """``put`` of a read pickled already (where it was planned, in a read worker).
        Atomic (temp file + rename); a full disk or a read-only folder is only a miss."""
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL))
                handle.write(hashlib.sha256(value).digest())  # ~0.1 ms a team: a damaged
                handle.write(value)  # entry was read as another parse (30 % of byte flips)
            os.replace(tmp, self._slot(spec))
        except OSError as exc:
            log.debug("read cache not written: %s", exc)
            if tmp is not None:  # a full disk: not one leftover a night
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def refile(self, spec: TeamSpec, olds: Iterable[str], key: str) -> bool:
        """Hold the slot's read under ``key`` instead, when the slot holds it, intact, under
        one of ``olds`` (``refile.py`` says when that is the read ``key`` names). The read
        is moved as bytes, never unpickled; anything else leaves the slot as it is."""
        try:
            raw = self._slot(spec).read_bytes()
        except OSError:
            return False
        for old in olds:
            head = pickle.dumps(old, protocol=pickle.HIGHEST_PROTOCOL)  # as ``put`` wrote it
            if raw.startswith(head):
                digest, value = raw[len(head) : len(head) + 32], raw[len(head) + 32 :]
                if hashlib.sha256(value).digest() != digest:
                    return False
                self.put_pickled(spec, key, value)
                return True
        return False

    def prune(self, teams: Iterable[TeamSpec]) -> int:
        """Delete the slots of teams no longer in the workspace; returns how many. And
        the temp files of ``put_pickled`` a killed run left more than an hour ago (a
        read's size each, kept for good until 2026-12-06)."""
        wanted = {self._slot(t).name for t in teams}
        try:
            listed = list(self.folder.iterdir())
        except OSError:
            return 0
        remove_stale(e for e in listed if is_temp_name(e.name, ".", ".tmp"))
        entries = [e for e in listed if e.suffix == ".pickle"]
        stale = [e for e in entries if e.name not in wanted]
        for entry in stale:
            entry.unlink(missing_ok=True)
        return len(stale)
