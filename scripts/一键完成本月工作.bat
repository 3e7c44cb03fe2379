@echo off
rem Double-click launcher for the clerk: the whole month: generate, collect, consolidate, report.
rem Finds Python and keeps the window open: see launch.bat.
setlocal
set "SCRIPT=monthly.py"
call "%~dp0launch.bat" %*
