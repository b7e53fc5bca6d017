; Inno Setup sketch for the halls' Windows PCs: installs the PyInstaller folder dist\yibao-desk.
; Build on Windows after `pyinstaller packaging\yibao-desk.spec`:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\yibao-desk.iss
; The database and its backups are NOT in the install folder: they live in the clerk's
; %LOCALAPPDATA%\yibao-desk (platformdirs.user_data_dir), so uninstalling or upgrading never
; touches them.

#define AppName "医保窗口经办"
#define AppExe "yibao-desk.exe"
#define AppVersion "0.1.0"
#define Dist "..\..\dist\yibao-desk"

[Setup]
AppId={{6C1E8C2A-3F0B-4E59-9B7A-2D5F0A9E1B37}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=yibao-desk
DefaultDirName={autopf}\yibao-desk
DefaultGroupName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=yibao-desk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Per-machine install (IT installs once); the data stays per user.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern
;SetupIconFile=..\..\resources\icons\yibao-desk.ico   (uncomment once the icon exists, see packaging/README.md)
UninstallDisplayIcon={app}\{#AppExe}
; Windows 7 SP1 cannot run Qt 6: Windows 10 1809 or later.
MinVersion=10.0.17763

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; the whole one-folder build: yibao-desk.exe (window), yibao-desk-cli.exe (calc, render, backup ...)
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{#AppName}（命令行测算）"; Filename: "{cmd}"; Parameters: "/k ""{app}\yibao-desk-cli.exe"" --help"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only what the program writes beside itself; never {localappdata}\yibao-desk (the records)
Type: filesandordirs; Name: "{app}\__pycache__"
