@echo off
rem Double-click launcher for the clerk: the year's summary and its Word attachment.
rem Finds Python and keeps the window open: see launch.bat.
setlocal
set "SCRIPT=annual.py"
call "%~dp0launch.bat" %*
