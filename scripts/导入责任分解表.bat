@echo off
rem Double-click launcher for the clerk: the master table: drag the received table onto this file; it shows the reading, then asks.
rem Finds Python and keeps the window open: see launch.bat.
setlocal
set "SCRIPT=import_table.py --ask"
call "%~dp0launch.bat" %*
