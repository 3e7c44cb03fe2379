@echo off
rem Double-click launcher for the clerk; runs from the tool folder.
cd /d "%~dp0.."
python scripts\demo.py %*
if errorlevel 1 goto end
python scripts\monthly.py %*
:end
pause
