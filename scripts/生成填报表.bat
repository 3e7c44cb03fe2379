@echo off
rem Double-click launcher for the clerk: this month's fill-in forms, one per department.
rem Finds Python and keeps the window open: see launch.bat.
setlocal
set "SCRIPT=generate.py"
call "%~dp0launch.bat" %*
