@echo off
rem Double-click launcher for the clerk: collect the returns dropped into inbox.
rem Finds Python and keeps the window open: see launch.bat.
setlocal
set "SCRIPT=collect.py"
call "%~dp0launch.bat" %*
