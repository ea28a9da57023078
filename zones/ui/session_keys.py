"""The session-state keys the UI keeps for itself (not bound to a widget or the URL).

Named in one place so that a reader sees every piece of hidden state a session carries,
and two modules cannot pick the same name for different things. The values start with
``_`` so they never clash with a widget key (widget keys are URL keys or ``rs_…``).
"""

# A link's repair (zones.ui.state): done once per session; what it dropped, for the notice.
URL_CHECKED = "_url_checked"
URL_DROPPED = "_url_dropped"
# The shared filter as last drawn, carried over a page switch that lost it (state).
SHARED = "_shared"
PERIOD_FULL = "_period_full"  # the full period range last drawn (follows imports)
SHARED_CONTEXT = "_shared_context"  # the entrypoint's Context for the page of this run
CURRENT_PAGE = "_rs_page"  # url_path of the page this run draws (set by app.py)
# Run-sheets (zones.ui.runsheet_player, runsheet_editor).
RS_CURRENT = "_rs_current"  # (id, step) whose view was last put into the widgets
RS_GOTO = "_rs_goto"  # a step asked for by a presenter button (set in its callback)
RS_ERROR = "_rs_error"  # what to say on this page about the run-sheet in the link
RS_DRAFT = "_rs_draft"  # the run-sheet being built in this session
RS_PRESENT_DRAFT = "_rs_present_draft"  # present the session's draft, not the saved file
RS_OUTCOME = "_rs_outcome"
RS_UPLOAD_NONCE = "_rs_upload_nonce"
RS_LOADED = "_rs_loaded"
RS_UPLOAD_PROBLEMS = "_rs_upload_problems"
# The presenter's console, following windows and drafts kept (#24: runsheet_console,
# runsheet_follow, runsheet_drafts).
RS_DRAFT_ID = "_rs_draft_id"  # the draft's id in the scratch store and the address
RS_BASE_LANG = "_rs_base_lang"  # the presenter's language: steps without ``lang`` use it
RS_FOLLOW = "_rs_follow"  # the code this window follows (kept across page switches)
RS_FOLLOW_PROBLEM = "_rs_follow_problem"
RS_FOLLOWED = "_rs_followed"  # the step the router picked for a following window this run
RS_CONSOLE_T0 = "_rs_console_t0"
RS_CONSOLE_SHOWN = "_rs_console_shown"
RS_DRAFT_MISSING = "_rs_draft_missing"
# The briefing export (zones.ui.briefing).
BRIEF_RESULT = "_brief_result"
BRIEF_REQUESTED = "_brief_requested"
# Imports and editing rights (zones.ui.importer, zones.ui.admin).
IMPORT_PLAN = "_import_plan"
IMPORT_OUTCOME = "_import_outcome"
IMPORT_TABLE = "_import_table"
IMPORT_MODE = "_import_mode"
IMPORT_NONCE = "_import_nonce"
IMPORT_ADMIN = "_import_admin"
IMPORT_PASSWORD = "_import_pw"  # the password field's own key (cleared after each try)
IMPORT_LOGIN_FAILED = "_import_login_failed"
# Presentation mode's slots (zones.ui.presenting).
PRESENT_SLOTS = "_present_slots"
