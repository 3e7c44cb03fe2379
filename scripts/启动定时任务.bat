@echo off
rem Double-click launcher for the clerk; runs from the tool folder.
cd /d "%~dp0.."
python scripts\scheduler.py %*
:end
pause
