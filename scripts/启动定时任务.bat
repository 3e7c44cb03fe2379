@echo off
rem Double-click launcher for the clerk: the daily run, while this window stays open.
rem Finds Python and keeps the window open: see launch.bat.
setlocal
set "SCRIPT=scheduler.py"
call "%~dp0launch.bat" %*
