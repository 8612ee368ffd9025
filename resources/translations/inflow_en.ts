<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ChoiceButton</name>
    <message numerus="yes">
        <location filename="../../ui/reports/filter_bar.py" line="+148"/>
        <source>%n chosen</source>
        <translation>
            <numerusform>%n chosen</numerusform>
            <numerusform>%n chosen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DrillDownDialog</name>
    <message numerus="yes">
        <location filename="../../ui/reports/drill.py" line="+161"/>
        <source>the first %Ln rows; reading the rest…</source>
        <translation>
            <numerusform>the first %Ln row; reading the rest…</numerusform>
            <numerusform>the first %Ln rows; reading the rest…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>the first %Ln rows (there are more: narrow the filters)</source>
        <translation>
            <numerusform>the first %Ln row (there are more: narrow the filters)</numerusform>
            <numerusform>the first %Ln rows (there are more: narrow the filters)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln row(s)</source>
        <translation>
            <numerusform>%Ln row</numerusform>
            <numerusform>%Ln rows</numerusform>
        </translation>
    </message>
</context>
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
        <translation>
            <numerusform>%n member</numerusform>
            <numerusform>%n members</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReportsWorkspace</name>
    <message numerus="yes">
        <location filename="../../ui/reports/workspace.py" line="+637"/>
        <source>%Ln row(s) · %1 · made at %2</source>
        <translation>
            <numerusform>%Ln row · %1 · made at %2</numerusform>
            <numerusform>%Ln rows · %1 · made at %2</numerusform>
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
        <translation>
            <numerusform>%n found</numerusform>
            <numerusform>%n found</numerusform>
        </translation>
    </message>
</context>
</TS>
