"""Google Sheets backend (gspread over google-auth)."""
