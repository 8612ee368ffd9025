<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>LeadNotifier</name>
    <message numerus="yes">
        <location filename="../../ui/tray.py" line="+124"/>
        <source>%n leads were assigned to you.</source>
        <translation>
            <numerusform>%n lead was assigned to you.</numerusform>
            <numerusform>%n leads were assigned to you.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n of your leads are past their deadline.</source>
        <translation>
            <numerusform>%n of your leads is past its deadline.</numerusform>
            <numerusform>%n of your leads are past their deadline.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RedirectDialog</name>
    <message numerus="yes">
        <location filename="../../ui/dialogs/redirect_dialog.py" line="+36"/>
        <source>%n member(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchPopup</name>
    <message numerus="yes">
        <location filename="../../ui/search.py" line="+568"/>
        <source>Found: %n. Enter opens the selected one; ↑ ↓ choose; Esc closes.</source>
        <translation>
            <numerusform>Found: %n. Enter opens it; Esc closes.</numerusform>
            <numerusform>Found: %n. Enter opens the selected one; ↑ ↓ choose; Esc closes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WhoPage</name>
    <message numerus="yes">
        <location filename="../../ui/intake_wizard/who_page.py" line="+535"/>
        <source>%n found</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
</TS>
