@echo off
rem Double-click launcher for the clerk; runs from the tool folder.
cd /d "%~dp0.."
python scripts\monthly.py %*
:end
pause
