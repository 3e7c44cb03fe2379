@echo off
rem Double-click launcher for the clerk; runs from the tool folder.
rem The demo works in a folder of its own (outbox, demo subfolder) and never touches real work.
cd /d "%~dp0.."
python scripts\demo.py --period 2010-11 %*
pause
