@echo off
rem Shared by the double-click launchers in this folder: each sets SCRIPT (scripts\NAME.py and
rem its own options) and calls this file with the arguments it got (a file dragged onto it).
rem Runs from the tool folder with the first Python that can run the tool: py -3, then python,
rem then the path recorded by "python scripts\setup_desktop.py" (python-path.txt).
rem When none is found, scripts\python-missing.txt says in Chinese how to install Python.
rem The window stays open (pause) after an error, and after success too, so the clerk can read it.
setlocal
cd /d "%~dp0.."
if not defined SCRIPT exit /b 2
set "PY=py -3"
%PY% scripts\dutytable\ready.py >nul 2>&1
if not errorlevel 1 goto run
set "PY=python"
%PY% scripts\dutytable\ready.py >nul 2>&1
if not errorlevel 1 goto run
set "RECORDED="
if exist python-path.txt set /p RECORDED=<python-path.txt
if not defined RECORDED goto missing
set PY="%RECORDED%"
%PY% scripts\dutytable\ready.py >nul 2>&1
if not errorlevel 1 goto run
:missing
chcp 65001 >nul
type scripts\python-missing.txt
echo.
pause
exit /b 9
:run
%PY% scripts\%SCRIPT% %*
set "STATUS=%errorlevel%"
echo.
pause
exit /b %STATUS%
