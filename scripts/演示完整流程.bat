@echo off
rem Double-click launcher for the clerk: the demo month, in a folder of its own.
rem Finds Python and keeps the window open: see launch.bat.
setlocal
set "SCRIPT=demo.py --period 2010-11"
call "%~dp0launch.bat" %*
