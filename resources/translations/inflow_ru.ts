<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name></name>
    <message>
        <location filename="../../ui/reports/words.py" line="+255"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
</context>
<context>
    <name>AcceptInquiryDialog</name>
    <message>
        <location filename="../../ui/accept_inquiry.py" line="+114"/>
        <source>Accept inquiry</source>
        <translation>Принять обращение</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>There is no request channel to register walk-in and phoned-in requests. An administrator creates one in Settings → Channels: kind “request”, named for example “Walk-in”, with “Lead source” on.</source>
        <translation>Нет канала заявок, в котором регистрируются посетители офиса и обращения по телефону. Администратор создаёт его в разделе «Настройки → Каналы»: вид «Заявки», название, например, «Посетители», флажок «Источник лидов» включён.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>+7 916 123-45-67, 8 (916) 123-45-67…</source>
        <translation>+7 916 123-45-67, 8 (916) 123-45-67…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>name@example.ru</source>
        <translation>name@example.ru</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Where they heard of us: a sign, a friend, an advert…</source>
        <translation>Откуда узнали о нас: вывеска, знакомые, реклама…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What they ask for</source>
        <translation>Что интересует</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>C&amp;hannel:</source>
        <translation>&amp;Канал:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Name:</source>
        <translation>&amp;Имя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Phone:</source>
        <translation>&amp;Телефон:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;E-mail:</source>
        <translation>&amp;Эл. почта:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Source:</source>
        <translation>Источ&amp;ник:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Co&amp;mment:</source>
        <translation>Ко&amp;мментарий:</translation>
    </message>
    <message>
        <location line="+20"/>
        <location line="+88"/>
        <source>Type a phone, an e-mail or a name to see who this is.</source>
        <translation>Введите телефон, эл. почту или имя, чтобы узнать, кто это.</translation>
    </message>
    <message>
        <location line="-86"/>
        <source>Already known</source>
        <translation>Уже есть в базе</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Create and continue</source>
        <translation>&amp;Создать и продолжить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Create &amp;only</source>
        <translation>Только со&amp;здать</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>Nobody known by this phone, e-mail or name: a new contact.</source>
        <translation>По этому телефону, эл. почте или имени никого не найдено: это новый контакт.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This may be somebody we know:</source>
        <translation>Возможно, это кто-то из известных:</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>This is not a phone number; write it with the area code.</source>
        <translation>Это не номер телефона; укажите его с кодом города или оператора.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This is not an e-mail address.</source>
        <translation>Это не адрес эл. почты.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Give at least a name, a phone or an e-mail.</source>
        <translation>Укажите хотя бы имя, телефон или эл. почту.</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>No lead was made: %1</source>
        <translation>Лид не создан: %1</translation>
    </message>
</context>
<context>
    <name>AccountsModel</name>
    <message>
        <location filename="../../ui/softphone/lines_dialog.py" line="+59"/>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>Учётная запись</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transport</source>
        <translation>Транспорт</translation>
    </message>
</context>
<context>
    <name>AppSettings</name>
    <message>
        <location filename="../../ui/app_settings.py" line="+51"/>
        <source>Interface language</source>
        <translation>Язык интерфейса</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Last signed-in login</source>
        <translation>Логин последнего входа</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Users of this workstation</source>
        <translation>Пользователи этого рабочего места</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Main window position and size</source>
        <translation>Положение и размер главного окна</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Main window toolbars</source>
        <translation>Панели инструментов главного окна</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Workspace shown at start</source>
        <translation>Рабочее место при запуске</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Notify about new and overdue leads</source>
        <translation>Уведомлять о новых и просроченных лидах</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tray hint shown</source>
        <translation>Подсказка в области уведомлений показана</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Direct SIP listen address</source>
        <translation>Адрес приёма прямых SIP-вызовов</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Fetch mail and messengers on this computer</source>
        <translation>Получать почту и сообщения мессенджеров на этом компьютере</translation>
    </message>
</context>
<context>
    <name>Application</name>
    <message>
        <location filename="../../ui/application.py" line="+186"/>
        <location line="+12"/>
        <source>Inflow</source>
        <translation>Inflow</translation>
    </message>
    <message>
        <location line="+131"/>
        <source>Signing in as %1 failed: %2</source>
        <translation>Не удалось войти как %1: %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Enter the password for %1.</source>
        <translation>Введите пароль пользователя %1.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The remembered password is no longer valid; enter it again.</source>
        <translation>Сохранённый пароль больше не действует; введите его заново.</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <location filename="../../ui/dialogs/assign_dialog.py" line="+124"/>
        <source>Assign lead %1</source>
        <translation>Назначить ответственного за лид %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Assign</source>
        <translation>Назначить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find a user</source>
        <translation>Найти пользователя</translation>
    </message>
</context>
<context>
    <name>CallLog</name>
    <message>
        <location filename="../../ui/softphone/calls_view.py" line="+66"/>
        <source>When</source>
        <translation>Время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Direction</source>
        <translation>Направление</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Talk</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answered by</source>
        <translation>Ответил</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recording</source>
        <translation>Запись</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Incoming</source>
        <translation>Входящий</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outgoing</source>
        <translation>Исходящий</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Internal</source>
        <translation>Внутренний</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Answered</source>
        <translation>Принят</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No answer</source>
        <translation>Без ответа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Busy</source>
        <translation>Занято</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>Сбой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>Отклонён</translation>
    </message>
</context>
<context>
    <name>CallLogView</name>
    <message>
        <location line="+131"/>
        <source>&amp;Play recording</source>
        <translation>&amp;Прослушать запись</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>The recording %1 is not on this computer.</source>
        <translation>Записи %1 нет на этом компьютере.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cannot play: %1</source>
        <translation>Не удалось воспроизвести: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Playing %1</source>
        <translation>Воспроизведение %1</translation>
    </message>
</context>
<context>
    <name>ChannelDialog</name>
    <message>
        <location filename="../../ui/settings/channel_dialog.py" line="+178"/>
        <source>New channel</source>
        <translation>Новый канал</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Channel: %1</source>
        <translation>Канал: %1</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>A channel never changes its kind.</source>
        <translation>Вид канала изменить нельзя.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Creates &amp;leads</source>
        <translation>Источник &amp;лидов</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Without it, the mail or chats of this channel are shown in their workspace only.</source>
        <translation>Без этого флажка письма и чаты канала видны только в своём рабочем месте, лиды не создаются.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A rejection needs a &amp;reason</source>
        <translation>Обязательно указывать причину о&amp;тклонения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Counts in &amp;statistics</source>
        <translation>Учитывать в &amp;статистике</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>e.g. Yandex Direct</source>
        <translation>например, Яндекс Директ</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No deadline</source>
        <translation>Без срока</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Kind:</source>
        <translation>&amp;Вид:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Advertising &amp;source:</source>
        <translation>Рекламный &amp;источник:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Qualification &amp;deadline:</source>
        <translation>Срок &amp;квалификации:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;General</source>
        <translation>&amp;Общие</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Rule:</source>
        <translation>Пр&amp;авило:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Responsible &amp;user:</source>
        <translation>Ответственный по&amp;льзователь:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responsible r&amp;ole:</source>
        <translation>Ответственная &amp;роль:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Zone rules (the first match wins)</source>
        <translation>Правила по зонам (срабатывает первое подходящее)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;move</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move &amp;up</source>
        <translation>В&amp;ыше</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move do&amp;wn</source>
        <translation>Ни&amp;же</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Distribution</source>
        <translation>Распр&amp;еделение</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>e.g. ^\+7495123\d{4}$</source>
        <translation>например, ^\+7495123\d{4}$</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>One number per line, in any format</source>
        <translation>По одному номеру в строке, в любом формате</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Internal numbers (pattern):</source>
        <translation>&amp;Внутренние номера (шаблон):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Own numbers:</source>
        <translation>&amp;Свои номера:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mailbox</source>
        <translation>Почтовый ящик</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>imap.example.ru:993</source>
        <translation>imap.example.ru:993</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>smtp.example.ru:465</source>
        <translation>smtp.example.ru:465</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>None</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>optional, e.g. INFO_MAIL_PASSWORD</source>
        <translation>необязательно, например INFO_MAIL_PASSWORD</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>INBOX; several separated by commas</source>
        <translation>INBOX; несколько — через запятую</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>optional when the login is the address</source>
        <translation>необязательно, если логин совпадает с адресом</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>IM&amp;AP server:</source>
        <translation>Сервер IM&amp;AP:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SM&amp;TP server:</source>
        <translation>Сервер SM&amp;TP:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;ecurity:</source>
        <translation>&amp;Шифрование:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Password:</source>
        <translation>Па&amp;роль:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password &amp;variable:</source>
        <translation>Пере&amp;менная с паролем:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Folders to watch:</source>
        <translation>От&amp;слеживаемые папки:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender a&amp;ddress:</source>
        <translation>А&amp;дрес отправителя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Si&amp;gnature:</source>
        <translation>Подп&amp;ись:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Messenger (Telegram bot)</source>
        <translation>Мессенджер (бот Telegram)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>optional, e.g. TELEGRAM_BOT_TOKEN</source>
        <translation>необязательно, например TELEGRAM_BOT_TOKEN</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bot &amp;token:</source>
        <translation>&amp;Токен бота:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Token &amp;variable:</source>
        <translation>Пере&amp;менная с токеном:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bot &amp;API URL:</source>
        <translation>Адрес &amp;API бота:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Web form</source>
        <translation>Веб-форма</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Accept the company&apos;s &amp;web form (a token is issued and shown once)</source>
        <translation>Принимать &amp;веб-форму компании (токен выпускается и показывается один раз)</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+88"/>
        <source>Issue a &amp;new token</source>
        <translation>Выпустить &amp;новый токен</translation>
    </message>
    <message>
        <location line="-71"/>
        <source>Passwords and tokens are kept in this computer&apos;s keyring, never in the database. A named environment variable, when set, is used instead.</source>
        <translation>Пароли и токены хранятся в хранилище ключей этого компьютера, а не в базе данных. Если указанная переменная окружения задана, используется её значение.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>C&amp;onnection</source>
        <translation>&amp;Подключение</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>— nobody —</source>
        <translation>— никто —</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>— no role —</source>
        <translation>— без роли —</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+1"/>
        <source>Not stored yet.</source>
        <translation>Ещё не сохранён.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>The web form is accepted with the token issued earlier.</source>
        <translation>Веб-форма принимается с ранее выпущенным токеном.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The web form is not accepted: issue a token to accept it.</source>
        <translation>Веб-форма не принимается: чтобы принимать её, выпустите токен.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Issue a &amp;token</source>
        <translation>Выпустить &amp;токен</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Looking in the keyring…</source>
        <translation>Проверка хранилища ключей…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>There is no secure keyring on this computer.</source>
        <translation>На этом компьютере нет защищённого хранилища ключей.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stored in the keyring; type a new one to replace it.</source>
        <translation>Сохранён в хранилище ключей; чтобы заменить, введите новый.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not stored in the keyring.</source>
        <translation>В хранилище ключей не сохранён.</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>A new token was issued and copied to the clipboard; it is shown only now.</source>
        <translation>Выпущен новый токен, он скопирован в буфер обмена; больше он показан не будет.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The token could not be issued.</source>
        <translation>Не удалось выпустить токен.</translation>
    </message>
</context>
<context>
    <name>ChannelKind</name>
    <message>
        <location filename="../../ui/intake_wizard/common.py" line="+44"/>
        <source>call</source>
        <translation>звонок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e-mail</source>
        <translation>письмо</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>chat</source>
        <translation>чат</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>request</source>
        <translation>заявка</translation>
    </message>
</context>
<context>
    <name>ChannelTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="+264"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Distribution</source>
        <translation>Распределение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Creates leads</source>
        <translation>Источник лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason required</source>
        <translation>Нужна причина</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SLA</source>
        <translation>Срок квалификации</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>%1 min</source>
        <translation>%1 мин</translation>
    </message>
</context>
<context>
    <name>ChannelsPage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="+302"/>
        <source>Channels</source>
        <translation>Каналы</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Each SIP line, mailbox, messenger account and request source that brings leads, and who gets its leads.</source>
        <translation>SIP-линии, почтовые ящики, аккаунты мессенджеров и источники заявок, из которых приходят лиды, и кому эти лиды достаются.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+12"/>
        <source>De&amp;activate</source>
        <translation>&amp;Отключить</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Activate</source>
        <translation>&amp;Включить</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The web form of “%1” sends its requests with this token (shown only now; keep it in the form&apos;s settings):

%2</source>
        <translation>Веб-форма канала «%1» отправляет заявки с этим токеном (он показан только сейчас; сохраните его в настройках формы):

%2</translation>
    </message>
</context>
<context>
    <name>ChoiceButton</name>
    <message>
        <location filename="../../ui/reports/filter_bar.py" line="+83"/>
        <source>All</source>
        <translation>Все</translation>
    </message>
    <message>
        <location line="+61"/>
        <location line="+7"/>
        <source>all</source>
        <translation>все</translation>
    </message>
    <message numerus="yes">
        <location line="-3"/>
        <source>%n chosen</source>
        <translation>
            <numerusform>выбрано: %n</numerusform>
            <numerusform>выбрано: %n</numerusform>
            <numerusform>выбрано: %n</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>ChoiceDialog</name>
    <message>
        <location filename="../../ui/dialogs/assign_dialog.py" line="-95"/>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Type to filter</source>
        <translation>Начните вводить для отбора</translation>
    </message>
</context>
<context>
    <name>ClientDialog</name>
    <message>
        <location filename="../../ui/search.py" line="+747"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Kind:</source>
        <translation>Вид:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phones:</source>
        <translation>Телефоны:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mails:</source>
        <translation>Эл. почта:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact persons:</source>
        <translation>Контактные лица:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open interests:</source>
        <translation>Открытые интересы:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recent leads:</source>
        <translation>Последние лиды:</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Open &amp;latest lead</source>
        <translation>Открыть &amp;последний лид</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Private person</source>
        <translation>Частное лицо</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The client cannot be shown.</source>
        <translation>Не удалось показать клиента.</translation>
    </message>
</context>
<context>
    <name>ClientTableModel</name>
    <message>
        <location filename="../../ui/intake_wizard/models.py" line="+17"/>
        <source>this lead&apos;s client</source>
        <translation>клиент этого лида</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>same phone</source>
        <translation>тот же телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>same e-mail</source>
        <translation>та же эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>search</source>
        <translation>поиск</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phones and e-mails</source>
        <translation>Телефоны и эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Found by</source>
        <translation>Как найден</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 (person)</source>
        <translation>%1 (частное лицо)</translation>
    </message>
</context>
<context>
    <name>ComposeDialog</name>
    <message>
        <location filename="../../ui/mail/compose_dialog.py" line="+95"/>
        <source>New letter</source>
        <translation>Новое письмо</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply</source>
        <translation>Ответить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply to all</source>
        <translation>Ответить всем</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forward</source>
        <translation>Переслать</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>From</source>
        <translation>От</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>To</source>
        <translation>Кому</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Addresses separated by commas</source>
        <translation>Адреса через запятую</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cc</source>
        <translation>Копия</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Letter</source>
        <translation>Письмо</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Attached files</source>
        <translation>Вложенные файлы</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Attach…</source>
        <translation>Прикр&amp;епить…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;move</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>&amp;From:</source>
        <translation>&amp;От:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;To:</source>
        <translation>&amp;Кому:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Cc:</source>
        <translation>Ко&amp;пия:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Subject:</source>
        <translation>&amp;Тема:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Files:</source>
        <translation>Файлы:</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+167"/>
        <source>&amp;Send</source>
        <translation>Отп&amp;равить</translation>
    </message>
    <message>
        <location line="-165"/>
        <source>Send the letter (Ctrl+Enter)</source>
        <translation>Отправить письмо (Ctrl+Enter)</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>The original letter goes along as an attachment, with its files</source>
        <translation>Исходное письмо будет отправлено вложением вместе со своими файлами</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Attach files</source>
        <translation>Прикрепить файлы</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot attach %1: %2</source>
        <translation>Не удалось прикрепить %1: %2</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Choose the mailbox the letter goes out of.</source>
        <translation>Выберите почтовый ящик, с которого будет отправлено письмо.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This is not an e-mail address: %1</source>
        <translation>Это не адрес электронной почты: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Whom is the letter to? Type an address in To.</source>
        <translation>Кому адресовано письмо? Введите адрес в поле «Кому».</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>The letter was not sent: %1</source>
        <translation>Письмо не отправлено: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sending…</source>
        <translation>Отправка…</translation>
    </message>
</context>
<context>
    <name>DepartmentDialog</name>
    <message>
        <location filename="../../ui/settings/catalog_dialogs.py" line="+351"/>
        <source>New department</source>
        <translation>Новое подразделение</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Department</source>
        <translation>Подразделение</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>— none —</source>
        <translation>— нет —</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Part of:</source>
        <translation>&amp;Входит в:</translation>
    </message>
</context>
<context>
    <name>DepartmentTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="+254"/>
        <source>Department</source>
        <translation>Подразделение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Part of</source>
        <translation>Входит в</translation>
    </message>
</context>
<context>
    <name>DepartmentsPage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="+367"/>
        <source>Departments</source>
        <translation>Подразделения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A role that sees its own department sees the leads of every user of that department.</source>
        <translation>Роль, которая видит своё подразделение, видит лиды всех пользователей этого подразделения.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
</context>
<context>
    <name>DialogsWorkspace</name>
    <message>
        <location filename="../../ui/dialogs_workspace/workspace.py" line="+147"/>
        <source>No messenger is connected</source>
        <translation>Мессенджеры не подключены</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Connect a Telegram bot in Settings → Channels. Every new chat with the bot then becomes a lead here, and you answer it from this workspace.</source>
        <translation>Подключите бота Telegram в разделе «Настройки → Каналы». После этого каждый новый чат с ботом будет становиться здесь лидом, а отвечать на него можно будет из этого рабочего места.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All messengers</source>
        <translation>Все мессенджеры</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Unanswered only</source>
        <translation>Только &amp;неотвеченные</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Conversations</source>
        <translation>Диалоги</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>&amp;Link to client…</source>
        <translation>&amp;Привязать к клиенту…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Messages</source>
        <translation>Сообщения</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Reply</source>
        <translation>Ответ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type a reply… (Ctrl+Enter sends)</source>
        <translation>Введите ответ… (Ctrl+Enter — отправить)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Send</source>
        <translation>&amp;Отправить</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Send</source>
        <translation>Отправить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send the reply (Ctrl+Enter)</source>
        <translation>Отправить ответ (Ctrl+Enter)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quick replies</source>
        <translation>&amp;Быстрые ответы</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>A&amp;ttach file…</source>
        <translation>Прикрепить &amp;файл…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Do not send the file</source>
        <translation>Не отправлять файл</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Choose a conversation on the left.</source>
        <translation>Выберите диалог слева.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>%1 (off)</source>
        <translation>%1 (отключён)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>No quick replies yet</source>
        <translation>Быстрых ответов пока нет</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Edit quick replies…</source>
        <translation>&amp;Изменить быстрые ответы…</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>Client: %1</source>
        <translation>Клиент: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lead %1: %2</source>
        <translation>Лид %1: %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No lead</source>
        <translation>Без лида</translation>
    </message>
    <message>
        <location line="+63"/>
        <location line="+287"/>
        <source>Dialogs</source>
        <translation>Диалоги</translation>
    </message>
    <message>
        <location line="-282"/>
        <source>%1 — %2 · %3 unanswered</source>
        <translation>%1 — %2 · без ответа: %3</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>The reply was not sent: %1 Choose it in the chat to retry.</source>
        <translation>Ответ не отправлен: %1 Чтобы повторить отправку, выберите его в чате.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Attach a file</source>
        <translation>Прикрепить файл</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>&amp;Retry sending</source>
        <translation>&amp;Повторить отправку</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Open “%1”</source>
        <translation>&amp;Открыть «%1»</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Save “%1” as…</source>
        <translation>&amp;Сохранить «%1» как…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Copy text</source>
        <translation>&amp;Копировать текст</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Save the file</source>
        <translation>Сохранить файл</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Attachment</source>
        <translation>Вложение</translation>
    </message>
</context>
<context>
    <name>DrillDownDialog</name>
    <message>
        <location filename="../../ui/reports/drill.py" line="+100"/>
        <source>Double-click a lead (or press Enter) to open its card.</source>
        <translation>Чтобы открыть карточку лида, дважды щёлкните по нему (или нажмите Enter).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Saved to %1</source>
        <translation>Сохранено в файл %1</translation>
    </message>
    <message numerus="yes">
        <location line="+46"/>
        <source>the first %Ln rows; reading the rest…</source>
        <translation>
            <numerusform>первая %Ln строка; загрузка остальных…</numerusform>
            <numerusform>первые %Ln строки; загрузка остальных…</numerusform>
            <numerusform>первые %Ln строк; загрузка остальных…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>the first %Ln rows (there are more: narrow the filters)</source>
        <translation>
            <numerusform>первая %Ln строка (есть и другие: уточните фильтры)</numerusform>
            <numerusform>первые %Ln строки (есть и другие: уточните фильтры)</numerusform>
            <numerusform>первые %Ln строк (есть и другие: уточните фильтры)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln row(s)</source>
        <translation>
            <numerusform>%Ln строка</numerusform>
            <numerusform>%Ln строки</numerusform>
            <numerusform>%Ln строк</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
</context>
<context>
    <name>ExclusionDialog</name>
    <message>
        <location filename="../../ui/settings/catalog_dialogs.py" line="+17"/>
        <source>Add to the exclusion list</source>
        <translation>Добавить в список исключений</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>e.g. supplier, staff, spam</source>
        <translation>например, поставщик, сотрудник, спам</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Kind:</source>
        <translation>&amp;Вид:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Value:</source>
        <translation>&amp;Значение:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Comment:</source>
        <translation>&amp;Комментарий:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>in any format, e.g. 8 (916) 123-45-67</source>
        <translation>в любом формате, например 8 (916) 123-45-67</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. supplier@example.ru</source>
        <translation>например, supplier@example.ru</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. example.ru: every address there</source>
        <translation>например, example.ru: все адреса этого домена</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. telegram:123456789 (the user&apos;s Telegram id)</source>
        <translation>например, telegram:123456789 (id пользователя в Telegram)</translation>
    </message>
</context>
<context>
    <name>ExclusionTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="+27"/>
        <source>Phone, e-mail or domain</source>
        <translation>Телефон, эл. почта или домен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Added</source>
        <translation>Добавлено</translation>
    </message>
</context>
<context>
    <name>ExclusionsPage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="+32"/>
        <source>Exclusion list</source>
        <translation>Список исключений</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calls and letters from these phones, addresses and domains (suppliers, staff, spam) are logged but never become leads.</source>
        <translation>Звонки и письма с этих телефонов, адресов и доменов (поставщики, сотрудники, спам) регистрируются, но лидами не становятся.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Remove</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Take %1 off the exclusion list? Its calls and letters will make leads again.</source>
        <translation>Убрать %1 из списка исключений? Звонки и письма от этого контакта снова будут создавать лиды.</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../ui/reports/filter_bar.py" line="+23"/>
        <source>&amp;Period:</source>
        <translation>&amp;Период:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Manager</source>
        <translation>Менеджер</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Department</source>
        <translation>Отдел</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quality</source>
        <translation>Качество</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Source</source>
        <translation>Источник</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>(no source)</source>
        <translation>(без источника)</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../ui/first_run.py" line="+66"/>
        <location line="+166"/>
        <source>Set up Inflow</source>
        <translation>Настройка Inflow</translation>
    </message>
    <message>
        <location line="-161"/>
        <source>Welcome to Inflow</source>
        <translation>Добро пожаловать в Inflow</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This database is new. Name your company and create the administrator&apos;s account; the administrator then adds colleagues, channels and catalogs in Settings.</source>
        <translation>Это новая база данных. Укажите название компании и создайте учётную запись администратора; затем администратор добавит коллег, каналы и справочники в разделе «Настройки».</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Database: %1</source>
        <translation>База данных: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. Okna Komfort LLC</source>
        <translation>например, ООО «Окна Комфорт»</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Administrator</source>
        <translation>Администратор</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Surname First name Patronymic</source>
        <translation>Фамилия Имя Отчество</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Full &amp;name:</source>
        <translation>&amp;ФИО:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Repeat password:</source>
        <translation>П&amp;овтор пароля:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;member the password on this computer</source>
        <translation>&amp;Запомнить пароль на этом компьютере</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No secure keyring on this computer; the password is not stored.</source>
        <translation>На этом компьютере нет защищённого хранилища ключей; пароль не будет сохранён.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Fill with &amp;demo data</source>
        <translation>Заполнить &amp;демонстрационными данными</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>About %1 realistic leads with clients, staff and channels, to try Inflow out. The demo staff sign in with the password “demo”.</source>
        <translation>Около %1 правдоподобных лидов с клиентами, сотрудниками и каналами, чтобы опробовать Inflow. Демонстрационные сотрудники входят с паролем «demo».</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Set up</source>
        <translation>На&amp;строить</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Give the company&apos;s name.</source>
        <translation>Укажите название компании.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give the administrator&apos;s login.</source>
        <translation>Укажите логин администратора.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give the administrator&apos;s full name.</source>
        <translation>Укажите ФИО администратора.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Choose a password.</source>
        <translation>Задайте пароль.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two passwords differ.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Setting up…</source>
        <translation>Настройка…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Creating demo data: %1…</source>
        <translation>Создание демонстрационных данных: %1…</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>The set-up failed: %1</source>
        <translation>Не удалось выполнить настройку: %1</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <location filename="../../ui/settings/form_dialog.py" line="+200"/>
        <source>The change could not be saved because of an unexpected error.</source>
        <translation>Не удалось сохранить изменение из-за непредвиденной ошибки.</translation>
    </message>
</context>
<context>
    <name>HistoryNote</name>
    <message>
        <location filename="../../ui/lead_card.py" line="+135"/>
        <source>responsible: the manager who already works with this contact</source>
        <translation>ответственный: менеджер, который уже работает с этим контактом</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>responsible: the channel&apos;s fixed user</source>
        <translation>ответственный: закреплённый пользователь канала</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>responsible: the channel&apos;s role (no fixed user set)</source>
        <translation>ответственный: роль канала (закреплённый пользователь не задан)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>responsible: the channel&apos;s user</source>
        <translation>ответственный: пользователь канала</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>responsible: the role&apos;s shared pool</source>
        <translation>ответственный: общая очередь роли</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>responsible: the role&apos;s pool (the role has no active members)</source>
        <translation>ответственный: общая очередь роли (в роли нет активных сотрудников)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>responsible: round-robin over the role</source>
        <translation>ответственный: по очереди среди сотрудников роли</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>responsible: the least-loaded member of the role</source>
        <translation>ответственный: наименее загруженный сотрудник роли</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>responsible: zone rule %1</source>
        <translation>ответственный: правило зоны %1</translation>
    </message>
</context>
<context>
    <name>InquiryListModel</name>
    <message>
        <location filename="../../ui/my_sales/inquiry_list_model.py" line="+186"/>
        <source>(no contact)</source>
        <translation>(без контакта)</translation>
    </message>
    <message>
        <location line="+252"/>
        <source>The inquiries could not be read (%1).</source>
        <translation>Не удалось прочитать обращения (%1).</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Responsible: %1</source>
        <translation>Ответственный: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Client: %1</source>
        <translation>Клиент: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The first action is overdue.</source>
        <translation>Первое действие просрочено.</translation>
    </message>
</context>
<context>
    <name>InquiryMatchModel</name>
    <message>
        <location filename="../../ui/accept_inquiry.py" line="-305"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact person</source>
        <translation>Контактное лицо</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Earlier lead</source>
        <translation>Прежний лид</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Found</source>
        <translation>Найдено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contacts / subject</source>
        <translation>Контакты / тема</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Since</source>
        <translation>Дата</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manager</source>
        <translation>Менеджер</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>client since %1</source>
        <translation>клиент с %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>on file since %1</source>
        <translation>в базе с %1</translation>
    </message>
</context>
<context>
    <name>IntakeWizard</name>
    <message>
        <location filename="../../ui/intake_wizard/wizard.py" line="+54"/>
        <source>Intake wizard — lead %1</source>
        <translation>Мастер принятия обращений — лид %1</translation>
    </message>
    <message>
        <location line="+105"/>
        <source>This lead is already converted.</source>
        <translation>Этот лид уже сконвертирован.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This lead is rejected; return it to work before converting it.</source>
        <translation>Этот лид отклонён; чтобы сконвертировать его, сначала верните его в работу.</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>The lead was reloaded; press Finish to try again.</source>
        <translation>Лид перечитан; нажмите «Завершить», чтобы попробовать ещё раз.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Something went wrong (%1); the lead is unchanged.</source>
        <translation>Что-то пошло не так (%1); лид не изменён.</translation>
    </message>
</context>
<context>
    <name>InterestTableModel</name>
    <message>
        <location filename="../../ui/intake_wizard/models.py" line="+53"/>
        <source>Interest</source>
        <translation>Интерес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
</context>
<context>
    <name>LanguagePage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="+81"/>
        <source>Interface language</source>
        <translation>Язык интерфейса</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Applies to this computer only. The language changes the next time Inflow starts.</source>
        <translation>Действует только на этом компьютере. Язык сменится при следующем запуске Inflow.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>As in the &amp;system</source>
        <translation>Как в &amp;системе</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This computer</source>
        <translation>Этот компьютер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fetch mail and messengers on this co&amp;mputer</source>
        <translation>Получать почту и сообщения мессенджеров на этом &amp;компьютере</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Each channel is fetched by one computer (or the Inflow service) at a time, however many computers have this on. Applies the next time Inflow starts.</source>
        <translation>Почту и сообщения каждого канала в любой момент получает только один компьютер (или служба Inflow), сколько бы компьютеров ни было с этой настройкой. Вступит в силу при следующем запуске Inflow.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Saved. Restart Inflow to see the interface in the chosen language.</source>
        <translation>Сохранено. Перезапустите Inflow, чтобы увидеть интерфейс на выбранном языке.</translation>
    </message>
</context>
<context>
    <name>LeadActions</name>
    <message>
        <location filename="../../ui/dialogs/errors.py" line="+22"/>
        <source>Something went wrong (%1); the lead is unchanged.</source>
        <translation>Что-то пошло не так (%1); лид не изменён.</translation>
    </message>
    <message>
        <location filename="../../ui/my_sales/lead_actions.py" line="+61"/>
        <source>&amp;Open card</source>
        <translation>&amp;Открыть карточку</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Convert…</source>
        <translation>&amp;Конвертировать…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Take it</source>
        <translation>&amp;Взять в работу</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Reject…</source>
        <translation>Отк&amp;лонить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark &amp;spam…</source>
        <translation>Пометить как &amp;спам…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Assign to…</source>
        <translation>&amp;Назначить ответственного…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;direct to role…</source>
        <translation>Передать &amp;роли…</translation>
    </message>
    <message>
        <location line="+109"/>
        <source>Intake wizard</source>
        <translation>Мастер принятия обращений</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The intake wizard is not available in this version yet.</source>
        <translation>В этой версии мастер принятия обращений пока недоступен.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Lead %1</source>
        <translation>Лид %1</translation>
    </message>
</context>
<context>
    <name>LeadCallsView</name>
    <message>
        <location filename="../../ui/softphone/calls_view.py" line="+38"/>
        <source>The calls could not be read: %1</source>
        <translation>Не удалось загрузить звонки: %1</translation>
    </message>
</context>
<context>
    <name>LeadCard</name>
    <message>
        <location filename="../../ui/lead_card.py" line="+8"/>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What</source>
        <translation>Что</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Changes</source>
        <translation>Изменения</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Inflow</source>
        <translation>Inflow</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Received</source>
        <translation>Поступил</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+37"/>
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Interest</source>
        <translation>Интерес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Created</source>
        <translation>Создан</translation>
    </message>
</context>
<context>
    <name>LeadCardDialog</name>
    <message>
        <location line="+93"/>
        <source>Lead %1</source>
        <translation>Лид %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>&amp;History</source>
        <translation>&amp;История</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client&apos;s &amp;leads</source>
        <translation>&amp;Лиды клиента</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client&apos;s &amp;interests</source>
        <translation>Интере&amp;сы клиента</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Le&amp;tters</source>
        <translation>&amp;Письма</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Ca&amp;lls</source>
        <translation>&amp;Звонки</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Convert…</source>
        <translation>&amp;Конвертировать…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Reject…</source>
        <translation>&amp;Отклонить…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Assign…</source>
        <translation>&amp;Назначить…</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Lead %1 — %2 · %3</source>
        <translation>Лид %1 — %2 · %3</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Lead %1 — %2</source>
        <translation>Лид %1 — %2</translation>
    </message>
</context>
<context>
    <name>LeadLetters</name>
    <message>
        <location filename="../../ui/mail/letters.py" line="+59"/>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From</source>
        <translation>Отправитель</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
</context>
<context>
    <name>LeadLettersView</name>
    <message>
        <location line="+128"/>
        <source>Letters of the lead</source>
        <translation>Письма лида</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>No letters belong to this lead.</source>
        <translation>У этого лида нет писем.</translation>
    </message>
</context>
<context>
    <name>LeadNotifier</name>
    <message>
        <location filename="../../ui/tray.py" line="+123"/>
        <source>New leads for you</source>
        <translation>Новые лиды для вас</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n leads were assigned to you.</source>
        <translation>
            <numerusform>Вам назначен %n лид.</numerusform>
            <numerusform>Вам назначено %n лида.</numerusform>
            <numerusform>Вам назначено %n лидов.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A new lead for you</source>
        <translation>Новый лид для вас</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Overdue leads</source>
        <translation>Просроченные лиды</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n of your leads are past their deadline.</source>
        <translation>
            <numerusform>Просрочен %n ваш лид.</numerusform>
            <numerusform>Просрочено %n ваших лида.</numerusform>
            <numerusform>Просрочено %n ваших лидов.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A lead is overdue</source>
        <translation>Лид просрочен</translation>
    </message>
</context>
<context>
    <name>LeadState</name>
    <message>
        <location filename="../../ui/intake_wizard/common.py" line="-12"/>
        <source>new</source>
        <translation>новый</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>in progress</source>
        <translation>в работе</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>repeat</source>
        <translation>повторный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>converted</source>
        <translation>сконвертирован</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>repeat, processed</source>
        <translation>повторный, обработан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rejected</source>
        <translation>отклонён</translation>
    </message>
</context>
<context>
    <name>LetterDialog</name>
    <message>
        <location filename="../../ui/mail/letters.py" line="-80"/>
        <location line="+17"/>
        <source>Letter</source>
        <translation>Письмо</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>Reading the letter…</source>
        <translation>Загрузка письма…</translation>
    </message>
</context>
<context>
    <name>LetterTaskDialog</name>
    <message>
        <location filename="../../ui/mail/task_dialog.py" line="+50"/>
        <source>Task from a letter</source>
        <translation>Задача по письму</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Answer: %1</source>
        <translation>Ответить: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Task</source>
        <translation>Задача</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Due</source>
        <translation>Срок</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Assignee</source>
        <translation>Исполнитель</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Task:</source>
        <translation>&amp;Задача:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Due:</source>
        <translation>&amp;Срок:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Assignee:</source>
        <translation>&amp;Исполнитель:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Comment:</source>
        <translation>&amp;Комментарий:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Letter:</source>
        <translation>Письмо:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Create task</source>
        <translation>Создать задачу</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Say what is to be done.</source>
        <translation>Укажите, что нужно сделать.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The due time has passed already.</source>
        <translation>Срок уже прошёл.</translation>
    </message>
</context>
<context>
    <name>LinesDialog</name>
    <message>
        <location filename="../../ui/softphone/lines_dialog.py" line="+75"/>
        <source>Softphone lines</source>
        <translation>Линии софтфона</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Add</source>
        <translation>&amp;Добавить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Remove</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>pbx.example.com or 10.0.0.5:5060</source>
        <translation>pbx.example.com или 10.0.0.5:5060</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the same as the user</source>
        <translation>как у пользователя</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the registrar&apos;s host</source>
        <translation>хост регистратора</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>unchanged</source>
        <translation>без изменений</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The default call channel</source>
        <translation>Канал звонков по умолчанию</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>R&amp;egistrar:</source>
        <translation>&amp;Регистратор:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User (extension):</source>
        <translation>&amp;Пользователь (внутренний номер):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Au&amp;thentication user:</source>
        <translation>Пользователь для &amp;авторизации:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Domain:</source>
        <translation>Д&amp;омен:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Transport:</source>
        <translation>&amp;Транспорт:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outbound &amp;proxy:</source>
        <translation>Исходящий прокс&amp;и:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pass&amp;word:</source>
        <translation>Паро&amp;ль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Call channel:</source>
        <translation>&amp;Канал звонков:</translation>
    </message>
    <message>
        <location line="+134"/>
        <source>Each account needs a registrar and a user.</source>
        <translation>Для каждой учётной записи нужны регистратор и пользователь.</translation>
    </message>
</context>
<context>
    <name>LinkClientDialog</name>
    <message>
        <location filename="../../ui/dialogs_workspace/link_client_dialog.py" line="+69"/>
        <source>Link %1 to a client</source>
        <translation>Привязать %1 к клиенту</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Future chats of this user are recognized as this client&apos;s, and the open lead of the conversation is linked to the client.</source>
        <translation>Новые чаты этого собеседника будут распознаваться как чаты этого клиента, а открытый лид диалога будет привязан к клиенту.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Phone, e-mail, name or INN</source>
        <translation>Телефон, эл. почта, имя или ИНН</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find a client</source>
        <translation>Найти клиента</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Link</source>
        <translation>&amp;Привязать</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>No client found.</source>
        <translation>Клиент не найден.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Choose a client first.</source>
        <translation>Сначала выберите клиента.</translation>
    </message>
</context>
<context>
    <name>Mail</name>
    <message>
        <location filename="../../ui/mail/service.py" line="+45"/>
        <source>Mail is not part of this version of Inflow.</source>
        <translation>Почта недоступна в этой версии Inflow.</translation>
    </message>
    <message>
        <location filename="../../ui/mail/words.py" line="+17"/>
        <source>Inbox</source>
        <translation>Входящие</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sent</source>
        <translation>Отправленные</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drafts</source>
        <translation>Черновики</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trash</source>
        <translation>Корзина</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Junk</source>
        <translation>Спам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Archive</source>
        <translation>Архив</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>The mail server refused the recipients: %1</source>
        <translation>Почтовый сервер отклонил получателей: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The mail server did not accept the mailbox&apos;s login or password.</source>
        <translation>Почтовый сервер не принял логин или пароль почтового ящика.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The mail server could not be reached or refused the letter (%1).</source>
        <translation>Не удалось связаться с почтовым сервером, или он отклонил письмо (%1).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something went wrong (%1); nothing was changed.</source>
        <translation>Произошла ошибка (%1); ничего не изменено.</translation>
    </message>
</context>
<context>
    <name>MailWorkspace</name>
    <message>
        <location filename="../../ui/mail/workspace.py" line="+127"/>
        <source>&amp;New letter</source>
        <translation>&amp;Новое письмо</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Reply</source>
        <translation>&amp;Ответить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reply to &amp;all</source>
        <translation>Ответить &amp;всем</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Forward</source>
        <translation>&amp;Переслать</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Create &amp;task…</source>
        <translation>Создать &amp;задачу…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark &amp;unread</source>
        <translation>По&amp;метить как непрочитанное</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+430"/>
        <location line="+39"/>
        <source>Mail</source>
        <translation>Почта</translation>
    </message>
    <message>
        <location line="-456"/>
        <source>Mailboxes and folders</source>
        <translation>Почтовые ящики и папки</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Letters</source>
        <translation>Письма</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>&amp;Open lead</source>
        <translation>Открыть &amp;лид</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Convert…</source>
        <translation>&amp;Конвертировать…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;ject…</source>
        <translation>Отклон&amp;ить…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Assi&amp;gn…</source>
        <translation>Н&amp;азначить…</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>No mailbox yet</source>
        <translation>Почтовых ящиков пока нет</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add a mailbox in Settings → Channels (an e-mail channel with its IMAP and SMTP servers). Its letters then appear here; a mailbox marked as a lead source also turns letters from new senders into leads.</source>
        <translation>Добавьте почтовый ящик в разделе «Настройки → Каналы» (канал электронной почты с серверами IMAP и SMTP). После этого его письма появятся здесь; если почтовый ящик отмечен как источник лидов, письма от новых отправителей также будут превращаться в лиды.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reading the mailboxes…</source>
        <translation>Чтение почтовых ящиков…</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>Mail is not available</source>
        <translation>Почта недоступна</translation>
    </message>
    <message>
        <location line="+119"/>
        <source>Lead %1 · %2</source>
        <translation>Лид %1 · %2</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Lead %1 · %2 · %3</source>
        <translation>Лид %1 · %2 · %3</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="+63"/>
        <location line="+277"/>
        <source>My Sales</source>
        <translation>Мои продажи</translation>
    </message>
    <message>
        <location line="-276"/>
        <source>Mail</source>
        <translation>Почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dialogs</source>
        <translation>Диалоги</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Requests</source>
        <translation>Заявки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reports</source>
        <translation>Отчёты</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+300"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location line="-296"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manager</source>
        <translation>Менеджер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dispatcher</source>
        <translation>Диспетчер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor</source>
        <translation>Руководитель</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Administrator</source>
        <translation>Администратор</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>&amp;Accept inquiry…</source>
        <translation>&amp;Принять обращение…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Accept inquiry: a walk-in visitor or a phoned-in request (Ctrl+N)</source>
        <translation>Принять обращение: посетитель в офисе или заявка по телефону (Ctrl+N)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Find…</source>
        <translation>&amp;Найти…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Find a client, contact person or lead (Ctrl+K)</source>
        <translation>Найти клиента, контактное лицо или лид (Ctrl+K)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;About Inflow</source>
        <translation>&amp;О программе Inflow</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Go</source>
        <translation>П&amp;ереход</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Search</source>
        <translation>П&amp;оиск</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Workspaces</source>
        <translation>Рабочие места</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Actions</source>
        <translation>Действия</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Direct SIP calls on %1: the softphone starts with the window.</source>
        <translation>Прямые SIP-вызовы на %1: софтфон запускается вместе с окном.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No softphone line is set up on this computer.</source>
        <translation>На этом компьютере не настроена линия софтфона.</translation>
    </message>
    <message>
        <source>Here the dispatcher will read the letters of the company&apos;s mailboxes, reply to them and turn them into leads or tasks. Mailboxes are set up in Settings → Channels; fetching the mail comes with a later version of Inflow.</source>
        <translation type="vanished">Здесь диспетчер будет читать письма из почтовых ящиков компании, отвечать на них и превращать их в лиды или задачи. Почтовые ящики настраиваются в разделе «Настройки → Каналы»; получение почты появится в одной из следующих версий Inflow.</translation>
    </message>
    <message>
        <source>Here conversations from messengers (a Telegram bot first) will be read and answered; every new conversation with an unknown person will become a lead in My Sales. Messenger accounts are set up in Settings → Channels; the connection comes with a later version of Inflow.</source>
        <translation type="vanished">Здесь можно будет читать переписку из мессенджеров (в первую очередь из бота Telegram) и отвечать на неё; каждый новый диалог с незнакомым собеседником станет лидом в «Моих продажах». Аккаунты мессенджеров настраиваются в разделе «Настройки → Каналы»; подключение появится в одной из следующих версий Inflow.</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Signed in as %1</source>
        <translation>Пользователь: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The database this desk works on</source>
        <translation>База данных, с которой работает это рабочее место</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Softphone: off</source>
        <translation>Софтфон: выкл.</translation>
    </message>
    <message>
        <source>Direct SIP calls on %1 will be answered once the softphone is part of Inflow.</source>
        <translation type="vanished">Прямые SIP-вызовы на %1 будут приниматься, когда софтфон появится в Inflow.</translation>
    </message>
    <message>
        <source>The softphone is not part of this version yet.</source>
        <translation type="vanished">В этой версии софтфона пока нет.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Inflow — %1</source>
        <translation>Inflow — %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Inflow</source>
        <translation>Inflow</translation>
    </message>
    <message>
        <source>Mail is not set up yet</source>
        <translation type="vanished">Почта ещё не подключена</translation>
    </message>
    <message>
        <source>Dialogs are not set up yet</source>
        <translation type="vanished">Диалоги ещё не подключены</translation>
    </message>
    <message>
        <source>Reports are not set up yet</source>
        <translation type="vanished">Отчёты ещё не готовы</translation>
    </message>
    <message>
        <source>Here the built-in reports will be: lead analysis, rejection reasons, the sales funnel, missed calls, response times and the traffic-light control of managers, each with export to XLSX, CSV and PDF. Until then, “inflow export leads” writes every lead to a file.</source>
        <translation type="vanished">Здесь будут встроенные отчёты: анализ лидов, причины отклонения, воронка продаж, пропущенные звонки, время реакции и контроль менеджеров «светофором» — каждый с выгрузкой в XLSX, CSV и PDF. А пока команда «inflow export leads» выгружает все лиды в файл.</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>%1 is not available in this version</source>
        <translation>Раздел «%1» недоступен в этой версии</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This workspace is not part of this build of Inflow yet.</source>
        <translation>Этого рабочего места пока нет в этой сборке Inflow.</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Lead %1</source>
        <translation>Лид %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The lead card is not available in this version yet.</source>
        <translation>В этой версии карточка лида пока недоступна.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Accept inquiry</source>
        <translation>Принять обращение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accepting inquiries is not available in this version yet.</source>
        <translation>В этой версии приём обращений пока недоступен.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>About Inflow</source>
        <translation>О программе Inflow</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;h3&gt;Inflow %1&lt;/h3&gt;&lt;p&gt;A lead desk: every call, letter, chat and request becomes a lead, and every lead ends converted or rejected with a reason.&lt;/p&gt;&lt;p&gt;Database: %2&lt;br&gt;Qt for Python %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Inflow %1&lt;/h3&gt;&lt;p&gt;Рабочее место для обработки лидов: каждый звонок, письмо, чат и заявка становятся лидом, а каждый лид завершается конвертацией или отклонением с указанием причины.&lt;/p&gt;&lt;p&gt;База данных: %2&lt;br&gt;Qt for Python %3&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>Inflow keeps running</source>
        <translation>Inflow продолжает работать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New leads will still be announced here. Choose Quit in the tray menu to leave.</source>
        <translation>Уведомления о новых лидах будут по-прежнему появляться здесь. Чтобы закрыть программу, выберите «Выход» в меню значка.</translation>
    </message>
</context>
<context>
    <name>MessageList</name>
    <message>
        <location filename="../../ui/mail/message_list_model.py" line="+67"/>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From</source>
        <translation>Отправитель</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Files</source>
        <translation>Файлы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lead</source>
        <translation>Лид</translation>
    </message>
</context>
<context>
    <name>MySalesWorkspace</name>
    <message>
        <location filename="../../ui/my_sales/workspace.py" line="+66"/>
        <source>Mine</source>
        <translation>Мои</translation>
    </message>
    <message>
        <source>Mine and my roles&apos;</source>
        <translation type="vanished">Мои и моих ролей</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mine and my roles</source>
        <translation>Мои и моих ролей</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All</source>
        <translation>Все</translation>
    </message>
    <message>
        <location line="+229"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Show leads of this kind: %1</source>
        <translation>Показывать лиды этого вида: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Show:</source>
        <translation>&amp;Показать:</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+181"/>
        <source>Inquiries</source>
        <translation>Обращения</translation>
    </message>
    <message>
        <location line="-103"/>
        <source>Interest %1</source>
        <translation>Интерес %1</translation>
    </message>
    <message>
        <location line="+33"/>
        <location line="+106"/>
        <source>My Sales</source>
        <translation>Мои продажи</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../../ui/settings/catalog_dialogs.py" line="-138"/>
        <source>Password of %1</source>
        <translation>Пароль пользователя %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>New &amp;password:</source>
        <translation>Новый &amp;пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;peat:</source>
        <translation>По&amp;втор:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The two passwords differ.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
</context>
<context>
    <name>PipelineTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="-219"/>
        <source>Pipeline</source>
        <translation>Воронка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Default</source>
        <translation>Основная</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stages</source>
        <translation>Этапы</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (default)</source>
        <translation>%1 (по умолчанию)</translation>
    </message>
</context>
<context>
    <name>PipelinesPage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="-450"/>
        <source>Pipelines and stages</source>
        <translation>Воронки и этапы</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Interests move through the stages of a pipeline in this order; won and lost stages close them. A stage that holds interests cannot be deleted.</source>
        <translation>Интересы проходят этапы воронки в этом порядке; этапы вида «Выигран» и «Проигран» закрывают их. Этап, на котором есть интересы, удалить нельзя.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Pipeline:</source>
        <translation>&amp;Воронка:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;New pipeline…</source>
        <translation>&amp;Новая воронка…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rena&amp;me…</source>
        <translation>Переи&amp;меновать…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Make de&amp;fault</source>
        <translation>Сделать &amp;основной</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Add stage…</source>
        <translation>&amp;Добавить этап…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move &amp;up</source>
        <translation>В&amp;ыше</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Move do&amp;wn</source>
        <translation>Ни&amp;же</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Delete</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>New</source>
        <translation>Новый</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Won</source>
        <translation>Выигран</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lost</source>
        <translation>Проигран</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New pipeline</source>
        <translation>Новая воронка</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+20"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Rename pipeline</source>
        <translation>Переименовать воронку</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Delete the stage “%1”?</source>
        <translation>Удалить этап «%1»?</translation>
    </message>
</context>
<context>
    <name>ProgressStatusDialog</name>
    <message>
        <location filename="../../ui/settings/catalog_dialogs.py" line="-119"/>
        <source>New lead status</source>
        <translation>Новый статус лида</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lead status</source>
        <translation>Статус лида</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Colour:</source>
        <translation>&amp;Цвет:</translation>
    </message>
</context>
<context>
    <name>ProgressStatusTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="+246"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Colour</source>
        <translation>Цвет</translation>
    </message>
</context>
<context>
    <name>QuickRepliesDialog</name>
    <message>
        <location filename="../../ui/dialogs_workspace/quick_replies.py" line="+39"/>
        <location line="+6"/>
        <source>Quick replies</source>
        <translation>Быстрые ответы</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Operators insert these answers into the reply box with one click. Double-click or press F2 to change one.</source>
        <translation>Операторы вставляют эти ответы в поле ответа одним щелчком. Чтобы изменить ответ, дважды щёлкните его или нажмите F2.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Add</source>
        <translation>&amp;Добавить</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Remove</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Up</source>
        <translation>&amp;Вверх</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Do&amp;wn</source>
        <translation>В&amp;низ</translation>
    </message>
</context>
<context>
    <name>ReadingPane</name>
    <message>
        <location filename="../../ui/mail/reading_pane.py" line="+99"/>
        <source>From:</source>
        <translation>От:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To:</source>
        <translation>Кому:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cc:</source>
        <translation>Копия:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date:</source>
        <translation>Дата:</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Letter</source>
        <translation>Письмо</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Files of the letter</source>
        <translation>Файлы письма</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Save…</source>
        <translation>&amp;Сохранить…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>O&amp;pen</source>
        <translation>&amp;Открыть</translation>
    </message>
    <message>
        <location line="+22"/>
        <location line="+32"/>
        <source>Choose a letter to read it here.</source>
        <translation>Выберите письмо, чтобы прочитать его здесь.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>(no subject)</source>
        <translation>(без темы)</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Inflow did not load %1 remote pictures or styles of this letter: senders use them to see who read a letter.</source>
        <translation>Внешние изображения и стили этого письма не загружены (%1 шт.): по ним отправители узнают, что письмо прочитано.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>This link is not opened: %1</source>
        <translation>Такие ссылки не открываются: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open link</source>
        <translation>Открыть ссылку</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open this address in your browser?

%1</source>
        <translation>Открыть этот адрес в браузере?

%1</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Save file</source>
        <translation>Сохранить файл</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>No program is set up to open %1.</source>
        <translation>Не настроена программа для открытия файла %1.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 was not saved: %2</source>
        <translation>Файл %1 не сохранён: %2</translation>
    </message>
</context>
<context>
    <name>ReasonTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="-288"/>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
</context>
<context>
    <name>ReasonsPage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="-224"/>
        <source>Rejection reasons</source>
        <translation>Причины отклонения</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Offered in this order when a lead is rejected. A reason recorded on leads can be deactivated but not deleted.</source>
        <translation>Предлагаются в этом порядке при отклонении лида. Причину, уже указанную в лидах, можно отключить, но не удалить.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Rename…</source>
        <translation>&amp;Переименовать…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+16"/>
        <source>De&amp;activate</source>
        <translation>&amp;Отключить</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Move &amp;up</source>
        <translation>В&amp;ыше</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Move do&amp;wn</source>
        <translation>Ни&amp;же</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Delete</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Activate</source>
        <translation>&amp;Включить</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New rejection reason</source>
        <translation>Новая причина отклонения</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+15"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Причина:</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Rename rejection reason</source>
        <translation>Переименовать причину отклонения</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Delete the rejection reason “%1”?</source>
        <translation>Удалить причину отклонения «%1»?</translation>
    </message>
</context>
<context>
    <name>RedirectDialog</name>
    <message>
        <location filename="../../ui/dialogs/redirect_dialog.py" line="+21"/>
        <source>Redirect lead %1 to a role</source>
        <translation>Передать лид %1 роли</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Redirect</source>
        <translation>Передать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find a role</source>
        <translation>Найти роль</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n участник</numerusform>
            <numerusform>%n участника</numerusform>
            <numerusform>%n участников</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message>
        <location filename="../../ui/dialogs/reject_dialog.py" line="+33"/>
        <source>Reject lead %1</source>
        <translation>Отклонить лид %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rejection reason</source>
        <translation>Причина отклонения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What happened (optional)</source>
        <translation>Что произошло (необязательно)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Причина:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Reason (required):</source>
        <translation>&amp;Причина (обязательно):</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Comment:</source>
        <translation>&amp;Комментарий:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reject</source>
        <translation>Отклонить</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>— choose a reason —</source>
        <translation>— выберите причину —</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>— no reason —</source>
        <translation>— без причины —</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Channel &apos;%1&apos; requires a rejection reason.</source>
        <translation>Для канала «%1» причина отклонения обязательна.</translation>
    </message>
</context>
<context>
    <name>ReportCharts</name>
    <message>
        <location filename="../../ui/reports/workspace.py" line="+663"/>
        <source>Leads per day</source>
        <translation>Лиды по дням</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads</source>
        <translation>Лиды</translation>
    </message>
    <message>
        <location line="+140"/>
        <source>Leads by state and channel kind</source>
        <translation>Лиды по состояниям и видам каналов</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Sales funnel: %1</source>
        <translation>Воронка продаж: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reached the stage</source>
        <translation>Дошли до этапа</translation>
    </message>
</context>
<context>
    <name>ReportColumns</name>
    <message>
        <location filename="../../ui/reports/words.py" line="-178"/>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New</source>
        <translation>Новый</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In progress</source>
        <translation>В работе</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat</source>
        <translation>Повторный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Converted</source>
        <translation>Сконвертирован</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat (processed)</source>
        <translation>Повторный (обработан)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>Отклонён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Total</source>
        <translation>Всего</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lead</source>
        <translation>Лид</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Received</source>
        <translation>Поступил</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Processed</source>
        <translation>Обработан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Processor</source>
        <translation>Обработал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grouped by</source>
        <translation>Группировка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>Наименование</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Share</source>
        <translation>Доля</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pipeline</source>
        <translation>Воронка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Interests</source>
        <translation>Интересы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reached the stage</source>
        <translation>Дошли до этапа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Conversion from the previous stage</source>
        <translation>Конверсия с предыдущего этапа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Interest</source>
        <translation>Интерес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created</source>
        <translation>Создан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manager</source>
        <translation>Менеджер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Light</source>
        <translation>Светофор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clients</source>
        <translation>Клиенты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Green</source>
        <translation>Зелёный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yellow</source>
        <translation>Жёлтый</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Red</source>
        <translation>Красный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No active interest</source>
        <translation>Нет активного интереса</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue interactions</source>
        <translation>Просроченные взаимодействия</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Portrait not filled</source>
        <translation>Портрет не заполнен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No contact info</source>
        <translation>Нет контактных данных</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active interest</source>
        <translation>Активный интерес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No overdue interaction</source>
        <translation>Нет просроченных взаимодействий</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Portrait filled</source>
        <translation>Портрет заполнен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact info filled</source>
        <translation>Контактные данные заполнены</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Missed calls</source>
        <translation>Пропущенные звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Called back</source>
        <translation>Перезвонили</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Called back, share</source>
        <translation>Перезвонили, доля</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Callback time, median</source>
        <translation>Время перезвона, медиана</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Callback time, p90</source>
        <translation>Время перезвона, p90</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rang</source>
        <translation>Время звонка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caller</source>
        <translation>Звонивший</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After</source>
        <translation>Через</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads</source>
        <translation>Лиды</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With a first action</source>
        <translation>С первым действием</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With a first action, share</source>
        <translation>С первым действием, доля</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Response time, median</source>
        <translation>Время реакции, медиана</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Response time, p90</source>
        <translation>Время реакции, p90</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Within the SLA</source>
        <translation>В срок квалификации</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>Источник</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Target</source>
        <translation>Целевой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Target share</source>
        <translation>Доля целевых</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Converted share</source>
        <translation>Доля сконвертированных</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected share</source>
        <translation>Доля отклонённых</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads in</source>
        <translation>Поступило лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue open leads</source>
        <translation>Просрочено открытых лидов</translation>
    </message>
</context>
<context>
    <name>Reports</name>
    <message>
        <location line="-116"/>
        <source>Lead analysis</source>
        <translation>Анализ лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejection reasons</source>
        <translation>Причины отклонения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales funnel</source>
        <translation>Воронка продаж</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor control</source>
        <translation>Контроль менеджеров</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Missed calls</source>
        <translation>Пропущенные звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Response time</source>
        <translation>Время реакции</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source effectiveness</source>
        <translation>Эффективность источников</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Daily KPI</source>
        <translation>Ключевые показатели (KPI) за день</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Leads of the period by state and channel kind, per channel</source>
        <translation>Лиды за период по состояниям и видам каналов, в разрезе каналов</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Why leads were lost: by reason, channel, manager</source>
        <translation>Почему лиды были потеряны: по причинам, каналам, менеджерам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Interests by stage, with stage-to-stage conversion</source>
        <translation>Интересы по этапам с конверсией между этапами</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Traffic light per manager and client: who is in trouble with whom</source>
        <translation>Светофор по менеджерам и клиентам: у кого и с кем проблемы</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Missed calls, how many were called back and how fast</source>
        <translation>Пропущенные звонки: по скольким из них перезвонили и как быстро</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Arrival → first action: median and p90</source>
        <translation>Поступление → первое действие: медиана и p90</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads, target share, conversion and rejection by advertising source</source>
        <translation>Лиды, доля целевых, конверсия и отклонения по рекламным источникам</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Leads in, processed, overdue, converted, missed calls</source>
        <translation>Поступившие, обработанные, просроченные и конвертированные лиды, пропущенные звонки</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yesterday</source>
        <translation>Вчера</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This week</source>
        <translation>Эта неделя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This month</source>
        <translation>Этот месяц</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This quarter</source>
        <translation>Этот квартал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This year</source>
        <translation>Этот год</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom…</source>
        <translation>Произвольный…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Red</source>
        <translation>Красный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yellow</source>
        <translation>Жёлтый</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Green</source>
        <translation>Зелёный</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>By reason</source>
        <translation>По причинам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By channel</source>
        <translation>По каналам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By manager</source>
        <translation>По менеджерам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By source</source>
        <translation>По источникам</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>(no reason)</source>
        <translation>(без причины)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(no manager)</source>
        <translation>(без менеджера)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(no source)</source>
        <translation>(без источника)</translation>
    </message>
</context>
<context>
    <name>ReportsWorkspace</name>
    <message>
        <location filename="../../ui/reports/workspace.py" line="-621"/>
        <source>Reports</source>
        <translation>Отчёты</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Обновить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run the report again (F5)</source>
        <translation>Сформировать отчёт заново (F5)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The report is being made</source>
        <translation>Отчёт формируется</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Making the report…</source>
        <translation>Формирование отчёта…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Cancel</source>
        <translation>О&amp;тменить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop this report (Esc); the table keeps what it showed</source>
        <translation>Остановить формирование отчёта (Esc); в таблице останутся прежние данные</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Double-click a figure (or press Enter on it) to see the rows behind it</source>
        <translation>Дважды щёлкните по значению (или нажмите на нём Enter), чтобы открыть его расшифровку</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Totals</source>
        <translation>Итого</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Export:</source>
        <translation>Экспорт:</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancel the report</source>
        <translation>Отменить формирование отчёта</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>There are no rows behind this figure.</source>
        <translation>У этого значения нет расшифровки.</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>Saved to %1</source>
        <translation>Сохранено в %1</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>The report was cancelled; the table still shows the previous result.</source>
        <translation>Формирование отчёта отменено; в таблице по-прежнему показан предыдущий результат.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The report was cancelled.</source>
        <translation>Формирование отчёта отменено.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The report could not be made (%1); the table still shows the previous result.</source>
        <translation>Не удалось сформировать отчёт (%1); в таблице по-прежнему показан предыдущий результат.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln row(s) · %1 · made at %2</source>
        <translation>
            <numerusform>%Ln строка · %1 · сформирован в %2</numerusform>
            <numerusform>%Ln строки · %1 · сформирован в %2</numerusform>
            <numerusform>%Ln строк · %1 · сформирован в %2</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to show for this period and these filters.</source>
        <translation>Нет данных за этот период с выбранными фильтрами.</translation>
    </message>
</context>
<context>
    <name>RequestTableModel</name>
    <message>
        <location filename="../../ui/requests/request_table_model.py" line="+55"/>
        <source>Received</source>
        <translation>Поступила</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>Сообщение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source / UTM</source>
        <translation>Источник / UTM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
</context>
<context>
    <name>RequestsWorkspace</name>
    <message>
        <location filename="../../ui/requests/workspace.py" line="+54"/>
        <source>All time</source>
        <translation>За всё время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>Последние 7 дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>Последние 30 дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dates…</source>
        <translation>Даты…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Any state</source>
        <translation>Любое состояние</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not processed yet</source>
        <translation>Ещё не обработанные</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+60"/>
        <source>Search requests</source>
        <translation>Поиск заявок</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>From</source>
        <translation>Начальная дата</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>To (inclusive)</source>
        <translation>Конечная дата (включительно)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>All request channels</source>
        <translation>Все каналы заявок</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Any source</source>
        <translation>Любой источник</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Phone, e-mail, name or words of the message</source>
        <translation>Телефон, эл. почта, имя или слова из сообщения</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;Period:</source>
        <translation>&amp;Период:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Channel:</source>
        <translation>&amp;Канал:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;tate:</source>
        <translation>&amp;Состояние:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;ource:</source>
        <translation>&amp;Источник:</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+156"/>
        <location line="+55"/>
        <source>Requests</source>
        <translation>Заявки</translation>
    </message>
    <message>
        <location line="-95"/>
        <source>%1 (off)</source>
        <translation>%1 (выкл.)</translation>
    </message>
    <message>
        <location line="+97"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <location filename="../../ui/intake_wizard/result_page.py" line="+34"/>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check what will be created and press Finish, or reject the lead.</source>
        <translation>Проверьте, что будет создано, и нажмите «Завершить» — или отклоните лид.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Convert</source>
        <translation>&amp;Конвертировать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;ject</source>
        <translation>&amp;Отклонить</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Rea&amp;son:</source>
        <translation>&amp;Причина:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Co&amp;mment:</source>
        <translation>Ко&amp;мментарий:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>— choose a reason —</source>
        <translation>— выберите причину —</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>— no reason —</source>
        <translation>— без причины —</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The channel %1 requires a rejection reason.</source>
        <translation>Для канала %1 причина отклонения обязательна.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>To convert instead, go back and describe the client.</source>
        <translation>Чтобы вместо этого сконвертировать лид, вернитесь назад и укажите клиента.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The channel %1 requires a rejection reason; choose one.</source>
        <translation>Для канала %1 причина отклонения обязательна; выберите её.</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>company</source>
        <translation>компания</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>person</source>
        <translation>частное лицо</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New client (%1) %2</source>
        <translation>Новый клиент (%1) %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>INN %1</source>
        <translation>ИНН %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Client %1</source>
        <translation>Клиент %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Contact person: %1</source>
        <translation>Контактное лицо: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The phone %1 is saved as the contact&apos;s own</source>
        <translation>Телефон %1 сохраняется как личный телефон контактного лица</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The phone %1 is saved as the company&apos;s</source>
        <translation>Телефон %1 сохраняется как телефон компании</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The e-mail %1 is saved with the contact</source>
        <translation>Адрес %1 сохраняется у контактного лица</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What will be created</source>
        <translation>Что будет создано</translation>
    </message>
</context>
<context>
    <name>RingingToast</name>
    <message>
        <location filename="../../ui/softphone/toast.py" line="+50"/>
        <source>Incoming call</source>
        <translation>Входящий звонок</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>repeat</source>
        <translation>повторный</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Answer</source>
        <translation>Ответить</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reject</source>
        <translation>Отклонить</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Number withheld</source>
        <translation>Номер скрыт</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open interests: %1</source>
        <translation>Открытые интересы: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Last lead %1 of %2: %3</source>
        <translation>Последний лид %1 от %2: %3</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Responsible: %1</source>
        <translation>Ответственный: %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Internal call</source>
        <translation>Внутренний звонок</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Lead %1</source>
        <translation>Лид %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No lead: %1</source>
        <translation>Лид не создан: %1</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <location filename="../../ui/settings/catalog_dialogs.py" line="+125"/>
        <source>New role</source>
        <translation>Новая роль</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Role: %1</source>
        <translation>Роль: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The code of a built-in role cannot change.</source>
        <translation>Код встроенной роли изменить нельзя.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>&amp;Code:</source>
        <translation>&amp;Код:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Sees:</source>
        <translation>&amp;Видит:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rights:</source>
        <translation>Права:</translation>
    </message>
</context>
<context>
    <name>RoleTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="+166"/>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sees</source>
        <translation>Видит</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members</source>
        <translation>Участники</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rights</source>
        <translation>Права</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (built-in)</source>
        <translation>%1 (встроенная)</translation>
    </message>
</context>
<context>
    <name>RolesPage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="+224"/>
        <source>Roles</source>
        <translation>Роли</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A user&apos;s rights are those of all their roles together. A role can also be responsible for leads: then every member sees them and may take them.</source>
        <translation>Права пользователя складываются из прав всех его ролей. Роль тоже может быть ответственной за лиды: тогда все её участники видят эти лиды и могут взять их в работу.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
</context>
<context>
    <name>Search</name>
    <message>
        <location filename="../../ui/search.py" line="-768"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>Письмо</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dialog</source>
        <translation>Диалог</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Request</source>
        <translation>Заявка</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New</source>
        <translation>Новый</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In progress</source>
        <translation>В работе</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat</source>
        <translation>Повторный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Converted</source>
        <translation>Сконвертирован</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat (processed)</source>
        <translation>Повторный (обработан)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>Отклонён</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Clients</source>
        <translation>Клиенты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact persons</source>
        <translation>Контактные лица</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads</source>
        <translation>Лиды</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Private person</source>
        <translation>Частное лицо</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>INN %1</source>
        <translation>ИНН %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+2"/>
        <source>Lead %1</source>
        <translation>Лид %1</translation>
    </message>
    <message>
        <location line="+501"/>
        <source>Received</source>
        <translation>Поступил</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
</context>
<context>
    <name>SearchField</name>
    <message>
        <location line="-272"/>
        <source>Find a phone, e-mail, name or INN…  (%1)</source>
        <translation>Телефон, эл. почта, имя или ИНН…  (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Find a client, contact person or lead (%1)</source>
        <translation>Найти клиента, контактное лицо или лид (%1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search</source>
        <translation>Поиск</translation>
    </message>
</context>
<context>
    <name>SearchPopup</name>
    <message>
        <location line="+24"/>
        <source>Find</source>
        <translation>Поиск</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Phone in any format, e-mail, name or INN</source>
        <translation>Телефон в любом формате, эл. почта, имя или ИНН</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search</source>
        <translation>Поиск</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Type a phone in any format, an e-mail, a name or an INN.</source>
        <translation>Введите телефон в любом формате, эл. почту, имя или ИНН.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Searching…</source>
        <translation>Поиск…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Nothing found for “%1”.</source>
        <translation>По запросу «%1» ничего не найдено.</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Found: %n. Enter opens the selected one; ↑ ↓ choose; Esc closes.</source>
        <translation>
            <numerusform>Найдено: %n. Enter — открыть выбранное; ↑ ↓ — выбор; Esc — закрыть.</numerusform>
            <numerusform>Найдено: %n. Enter — открыть выбранное; ↑ ↓ — выбор; Esc — закрыть.</numerusform>
            <numerusform>Найдено: %n. Enter — открыть выбранное; ↑ ↓ — выбор; Esc — закрыть.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The search failed: %1</source>
        <translation>Ошибка поиска: %1</translation>
    </message>
</context>
<context>
    <name>SectionPage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="-539"/>
        <source>Filter…</source>
        <translation>Отбор…</translation>
    </message>
</context>
<context>
    <name>SettingsLabels</name>
    <message>
        <location filename="../../ui/settings/labels.py" line="+14"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mailbox</source>
        <translation>Почтовый ящик</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messenger</source>
        <translation>Мессенджер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Requests</source>
        <translation>Заявки</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fixed user</source>
        <translation>Конкретный пользователь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shared pool of a role</source>
        <translation>Общая очередь роли</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Round-robin over a role</source>
        <translation>По очереди в роли</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Least-loaded member of a role</source>
        <translation>Наименее загруженному в роли</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By zone</source>
        <translation>По зонам</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Every lead goes to the responsible user.</source>
        <translation>Каждый лид получает ответственный пользователь.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every member of the role sees the lead and may take it.</source>
        <translation>Каждый участник роли видит лид и может взять его в работу.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Leads go to the active members of the role in turn.</source>
        <translation>Лиды по очереди достаются активным участникам роли.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Each lead goes to the active member of the role with the fewest open leads.</source>
        <translation>Каждый лид получает активный участник роли, у которого меньше всего открытых лидов.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The first matching zone rule decides; without a match the responsible user, else the role.</source>
        <translation>Решает первое подходящее правило по зоне; если ни одно не подошло — ответственный пользователь, а если его нет — роль.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open</source>
        <translation>Открытый</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Won</source>
        <translation>Выигран</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lost</source>
        <translation>Проигран</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Own leads and clients</source>
        <translation>Свои лиды и клиенты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Own department</source>
        <translation>Своё подразделение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Everything</source>
        <translation>Всё</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reassign leads</source>
        <translation>Переназначать лиды</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reject leads</source>
        <translation>Отклонять лиды</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete records</source>
        <translation>Удалять записи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export data</source>
        <translation>Выгружать данные</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change the settings</source>
        <translation>Изменять настройки</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole mail domain</source>
        <translation>Весь почтовый домен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messenger user</source>
        <translation>Пользователь мессенджера</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Advertising source</source>
        <translation>Рекламный источник</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone prefix</source>
        <translation>Начало номера телефона</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mail domain</source>
        <translation>Почтовый домен</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Active</source>
        <translation>Действует</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inactive</source>
        <translation>Не действует</translation>
    </message>
</context>
<context>
    <name>SettingsWorkspace</name>
    <message>
        <location filename="../../ui/settings/settings_workspace.py" line="+92"/>
        <source>Settings sections</source>
        <translation>Разделы настроек</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Channels</source>
        <translation>Каналы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejection reasons</source>
        <translation>Причины отклонения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pipelines and stages</source>
        <translation>Воронки и этапы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Users</source>
        <translation>Пользователи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roles</source>
        <translation>Роли</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Departments</source>
        <translation>Подразделения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exclusion list</source>
        <translation>Список исключений</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lead statuses</source>
        <translation>Статусы лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Interface language</source>
        <translation>Язык интерфейса</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>The settings could not be read.</source>
        <translation>Не удалось прочитать настройки.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>The change could not be saved because of an unexpected error.</source>
        <translation>Не удалось сохранить изменение из-за непредвиденной ошибки.</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+14"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="+197"/>
        <location line="+9"/>
        <source>Sign in to Inflow</source>
        <translation>Вход в Inflow</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Sign in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Database: %1</source>
        <translation>База данных: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Remember me on this computer</source>
        <translation>&amp;Запомнить меня на этом компьютере</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No secure keyring on this computer; the password is not stored.</source>
        <translation>На этом компьютере нет защищённого хранилища ключей; пароль не будет сохранён.</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Enter your login.</source>
        <translation>Введите логин.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Enter your password.</source>
        <translation>Введите пароль.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Wrong login or password.</source>
        <translation>Неверный логин или пароль.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Signing in failed: %1</source>
        <translation>Не удалось войти: %1</translation>
    </message>
</context>
<context>
    <name>SoftphoneController</name>
    <message>
        <location filename="../../ui/softphone/controller.py" line="+482"/>
        <source>The call could not be logged: %1</source>
        <translation>Не удалось записать звонок в журнал: %1</translation>
    </message>
    <message>
        <location line="-128"/>
        <source>Calls cannot be recorded in %1: %2</source>
        <translation>Невозможно записывать звонки в %1: %2</translation>
    </message>
    <message>
        <location line="+134"/>
        <source>The call is not logged yet (%1); trying again.</source>
        <translation>Звонок ещё не записан в журнал (%1); повторяем попытку.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The call log could not be written: %1</source>
        <translation>Не удалось записать журнал звонков: %1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Softphone: off</source>
        <translation>Софтфон: выкл.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No line is set up on this computer.</source>
        <translation>На этом компьютере не настроено ни одной линии.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Softphone: %1 not registered</source>
        <translation>Софтфон: линия %1 не зарегистрирована</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Softphone: %1</source>
        <translation>Софтфон: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Softphone: %1 lines ready</source>
        <translation>Софтфон: готово линий: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Softphone: connecting…</source>
        <translation>Софтфон: подключение…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>listening on %1</source>
        <translation>приём на %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>registered as %1</source>
        <translation>зарегистрирован как %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>registering…</source>
        <translation>регистрация…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>registration failed (%1)</source>
        <translation>ошибка регистрации (%1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>off</source>
        <translation>выкл.</translation>
    </message>
</context>
<context>
    <name>SoftphonePanel</name>
    <message>
        <location filename="../../ui/softphone/panel.py" line="+52"/>
        <source>Softphone</source>
        <translation>Софтфон</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Softphone: off</source>
        <translation>Софтфон: выкл.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Number or SIP address</source>
        <translation>Номер или SIP-адрес</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Call</source>
        <translation>&amp;Позвонить</translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+99"/>
        <source>No call</source>
        <translation>Нет звонка</translation>
    </message>
    <message>
        <location line="-97"/>
        <source>&amp;Answer</source>
        <translation>&amp;Ответить</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Hang up</source>
        <translation>&amp;Завершить</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hol&amp;d</source>
        <translation>&amp;Удержание</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Mute</source>
        <translation>&amp;Микрофон выкл.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Transfer to…</source>
        <translation>Перевести на…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Transfer</source>
        <translation>Пере&amp;вести</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Lines…</source>
        <translation>&amp;Линии…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Record calls</source>
        <translation>Зап&amp;исывать звонки</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Recent calls</source>
        <translation>Последние звонки</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Number withheld</source>
        <translation>Номер скрыт</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ringing: %1</source>
        <translation>Входящий звонок: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Calling %1…</source>
        <translation>Вызов %1…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Connecting %1…</source>
        <translation>Соединение с %1…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On hold: %1</source>
        <translation>На удержании: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Talking with %1</source>
        <translation>Разговор с %1</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>No softphone line is set up on this computer.</source>
        <translation>На этом компьютере не настроена ни одна линия софтфона.</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>The calls could not be read: %1</source>
        <translation>Не удалось прочитать звонки: %1</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Call</source>
        <translation>Позвонить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Call this number</source>
        <translation>Позвонить на этот номер</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The softphone is off on this computer.</source>
        <translation>Софтфон на этом компьютере выключен.</translation>
    </message>
</context>
<context>
    <name>SpamDialog</name>
    <message>
        <location filename="../../ui/dialogs/reject_dialog.py" line="+35"/>
        <source>Mark lead %1 as spam</source>
        <translation>Пометить лид %1 как спам</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reject the lead from %1 (%2) as spam?</source>
        <translation>Отклонить лид от %1 (%2) как спам?</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Also add %1 to the exclusion list</source>
        <translation>Также добавить %1 в список исключений</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Also add the contact to the exclusion list</source>
        <translation>Также добавить контакт в список исключений</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The lead has no phone or e-mail to exclude.</source>
        <translation>У лида нет телефона или эл. почты, которые можно исключить.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark spam</source>
        <translation>Пометить как спам</translation>
    </message>
</context>
<context>
    <name>StageColumnWidget</name>
    <message>
        <location filename="../../ui/my_sales/workspace.py" line="-304"/>
        <source>%1 — %2 · %3</source>
        <translation>%1 — %2 · %3</translation>
    </message>
</context>
<context>
    <name>StageDialog</name>
    <message>
        <location filename="../../ui/settings/catalog_dialogs.py" line="-192"/>
        <source>New stage</source>
        <translation>Новый этап</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Kind:</source>
        <translation>&amp;Вид:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Colour:</source>
        <translation>&amp;Цвет:</translation>
    </message>
</context>
<context>
    <name>StageInterestModel</name>
    <message>
        <location filename="../../ui/my_sales/stage_interest_model.py" line="+180"/>
        <source>The interests could not be read (%1).</source>
        <translation>Не удалось прочитать интересы (%1).</translation>
    </message>
</context>
<context>
    <name>StageTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="-110"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Colour</source>
        <translation>Цвет</translation>
    </message>
</context>
<context>
    <name>StatusesPage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="+649"/>
        <source>Lead statuses</source>
        <translation>Статусы лидов</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Optional steps between New and a result (e.g. “Call back”, “Waiting for an answer”), in this order. Every lead still ends converted or rejected.</source>
        <translation>Необязательные промежуточные шаги между состоянием «Новый» и результатом (например, «Перезвонить», «Ждём ответа»), в этом порядке. Каждый лид всё равно завершается конвертацией или отклонением.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move &amp;up</source>
        <translation>В&amp;ыше</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Move do&amp;wn</source>
        <translation>Ни&amp;же</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Delete</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Delete the status “%1”?</source>
        <translation>Удалить статус «%1»?</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../ui/tray.py" line="+27"/>
        <source>Inflow</source>
        <translation>Inflow</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Show Inflow</source>
        <translation>&amp;Показать Inflow</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Accept inquiry…</source>
        <translation>П&amp;ринять обращение…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <location filename="../../ui/settings/catalog_dialogs.py" line="+48"/>
        <source>New user</source>
        <translation>Новый пользователь</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User: %1</source>
        <translation>Пользователь: %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>— no department —</source>
        <translation>— без подразделения —</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Full &amp;name:</source>
        <translation>&amp;ФИО:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Department:</source>
        <translation>По&amp;дразделение:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Extension:</source>
        <translation>&amp;Внутренний номер:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;E-mail:</source>
        <translation>&amp;Эл. почта:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Roles:</source>
        <translation>&amp;Роли:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>optional: without one the user cannot sign in yet</source>
        <translation>необязательно: без пароля пользователь пока не сможет войти</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;peat password:</source>
        <translation>П&amp;овтор пароля:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The two passwords differ.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
</context>
<context>
    <name>UserTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="+38"/>
        <source>Name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roles</source>
        <translation>Роли</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Department</source>
        <translation>Подразделение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Extension</source>
        <translation>Внутр. номер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No password</source>
        <translation>Нет пароля</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot sign in until a password is set.</source>
        <translation>Не может войти, пока не задан пароль.</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../ui/settings/settings_pages.py" line="-225"/>
        <source>Users</source>
        <translation>Пользователи</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Who signs in, their roles (what they may do and see), department and phone extension. A deactivated user cannot sign in and gets no new leads; their history stays.</source>
        <translation>Кто входит в программу, его роли (что ему можно делать и видеть), подразделение и внутренний номер телефона. Отключённый пользователь не может войти и не получает новых лидов; его история сохраняется.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set &amp;password…</source>
        <translation>Задать &amp;пароль…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+12"/>
        <source>De&amp;activate</source>
        <translation>&amp;Отключить</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Activate</source>
        <translation>&amp;Включить</translation>
    </message>
</context>
<context>
    <name>WhatPage</name>
    <message>
        <location filename="../../ui/intake_wizard/what_page.py" line="+53"/>
        <source>What do they want</source>
        <translation>Что нужно клиенту</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A new interest (deal), one of the client&apos;s open interests, or a process (task).</source>
        <translation>Новый интерес (сделка), один из открытых интересов клиента или бизнес-процесс (задача).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>New &amp;interest</source>
        <translation>&amp;Новый интерес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Existing open interest</source>
        <translation>Су&amp;ществующий открытый интерес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>P&amp;rocess (task)</source>
        <translation>&amp;Бизнес-процесс (задача)</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Pipe&amp;line:</source>
        <translation>&amp;Воронка:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sta&amp;ge:</source>
        <translation>&amp;Этап:</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+48"/>
        <source>&amp;Title:</source>
        <translation>Н&amp;азвание:</translation>
    </message>
    <message>
        <location line="-47"/>
        <source>&amp;Amount:</source>
        <translation>С&amp;умма:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Res&amp;ponsible:</source>
        <translation>&amp;Ответственный:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Comment:</source>
        <translation>&amp;Комментарий:</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>&amp;Due:</source>
        <translation>&amp;Срок:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A&amp;ssignee:</source>
        <translation>&amp;Исполнитель:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Des&amp;cription:</source>
        <translation>О&amp;писание:</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>For the new client %1</source>
        <translation>Для нового клиента %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>For %1</source>
        <translation>Для %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The client has no open interests.</source>
        <translation>У клиента нет открытых интересов.</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Attach the lead to the open interest %1</source>
        <translation>Привязать лид к открытому интересу %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Start the process %1, due %2, assignee %3</source>
        <translation>Запустить бизнес-процесс %1, срок %2, исполнитель %3</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>New interest %1 on the stage %2 of %3</source>
        <translation>Новый интерес %1 на этапе %2 воронки %3</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Amount: %1</source>
        <translation>Сумма: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responsible: %1</source>
        <translation>Ответственный: %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Demo interest</source>
        <translation>Демонстрационный интерес</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Choose a stage.</source>
        <translation>Выберите этап.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The interest needs a title.</source>
        <translation>Укажите название интереса.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Write the amount as a number, for example %1.</source>
        <translation>Укажите сумму числом, например %1.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The amount cannot be negative.</source>
        <translation>Сумма не может быть отрицательной.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose one of the client&apos;s open interests.</source>
        <translation>Выберите один из открытых интересов клиента.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The process needs a title.</source>
        <translation>Укажите название бизнес-процесса.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The due time has passed; choose a later one.</source>
        <translation>Срок уже прошёл; выберите более поздний.</translation>
    </message>
</context>
<context>
    <name>WhoPage</name>
    <message>
        <location filename="../../ui/intake_wizard/who_page.py" line="+59"/>
        <source>Who is it</source>
        <translation>Кто обратился</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pick the client this lead comes from, find one, or describe a new client.</source>
        <translation>Выберите клиента, от которого поступил лид, найдите его или опишите нового клиента.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Loading the lead…</source>
        <translation>Загрузка лида…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The lead</source>
        <translation>Лид</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>E&amp;xisting client</source>
        <translation>&amp;Существующий клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ne&amp;w client</source>
        <translation>&amp;Новый клиент</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Re&amp;ject the lead instead…</source>
        <translation>Вместо этого &amp;отклонить лид…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Spam, a wrong number, not our service: go straight to the result.</source>
        <translation>Спам, ошибочный номер, не наш профиль: сразу перейти к результату.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>persona&amp;l</source>
        <translation>&amp;личный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the compan&amp;y&apos;s</source>
        <translation>&amp;компании</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Name, phone in any format, e-mail or INN</source>
        <translation>Имя, телефон в любом формате, эл. почта или ИНН</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Search:</source>
        <translation>&amp;Поиск:</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Select a client to see its interests and earlier leads.</source>
        <translation>Выберите клиента, чтобы увидеть его интересы и прежние лиды.</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+49"/>
        <source>Contact &amp;person:</source>
        <translation>Контактное ли&amp;цо:</translation>
    </message>
    <message>
        <location line="-46"/>
        <source>Na&amp;me:</source>
        <translation>&amp;Имя:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Posi&amp;tion:</source>
        <translation>&amp;Должность:</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>P&amp;erson</source>
        <translation>&amp;Частное лицо</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Company</source>
        <translation>Комп&amp;ания</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>10 digits for a company, 12 for an entrepreneur</source>
        <translation>10 цифр для организации, 12 для ИП</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;INN:</source>
        <translation>&amp;ИНН:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>P&amp;osition:</source>
        <translation>&amp;Должность:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Kind:</source>
        <translation>Вид:</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Unknown contact</source>
        <translation>Неизвестный контакт</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 · %2 · received %3</source>
        <translation>%1 · %2 · поступил %3</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Responsible: %1</source>
        <translation>Ответственный: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Earlier leads from this contact: %1 (last %2, %3)</source>
        <translation>Прежние лиды от этого контакта: %1 (последний %2, %3)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The lead&apos;s phone %1 is</source>
        <translation>Телефон лида %1 —</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>new contact person %1</source>
        <translation>новое контактное лицо %1</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>The company&apos;s name is required.</source>
        <translation>Укажите название компании.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The person&apos;s full name is required.</source>
        <translation>Укажите ФИО частного лица.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>An INN has 10 digits (company) or 12 digits (entrepreneur).</source>
        <translation>ИНН состоит из 10 цифр (организация) или 12 цифр (ИП).</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+16"/>
        <source>The contact person&apos;s name is required.</source>
        <translation>Укажите имя контактного лица.</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Choose a client from the list, or choose New client.</source>
        <translation>Выберите клиента в списке или выберите «Новый клиент».</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The client&apos;s details are still loading.</source>
        <translation>Данные клиента ещё загружаются.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Company n&amp;ame:</source>
        <translation>&amp;Название компании:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Full n&amp;ame:</source>
        <translation>&amp;ФИО:</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Searching…</source>
        <translation>Поиск…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Nothing found</source>
        <translation>Ничего не найдено</translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>%n found</source>
        <translation>
            <numerusform>Найден %n</numerusform>
            <numerusform>Найдено %n</numerusform>
            <numerusform>Найдено %n</numerusform>
        </translation>
    </message>
    <message>
        <location line="+72"/>
        <source>New contact person…</source>
        <translation>Новое контактное лицо…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>— none —</source>
        <translation>— нет —</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>company</source>
        <translation>компания</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>person</source>
        <translation>частное лицо</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>INN %1</source>
        <translation>ИНН %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>client since %1</source>
        <translation>клиент с %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>manager %1</source>
        <translation>менеджер %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Contact persons</source>
        <translation>Контактные лица</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Open interests</source>
        <translation>Открытые интересы</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Last interactions</source>
        <translation>Последние взаимодействия</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Earlier leads</source>
        <translation>Прежние лиды</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+1"/>
        <source>Demo client</source>
        <translation>Демонстрационный клиент</translation>
    </message>
</context>
<context>
    <name>Words</name>
    <message>
        <location filename="../../ui/my_sales/words.py" line="+17"/>
        <source>New</source>
        <translation>Новый</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+9"/>
        <source>Repeat</source>
        <translation>Повторный</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>In progress</source>
        <translation>В работе</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+27"/>
        <source>Converted</source>
        <translation>Сконвертирован</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>Repeat (processed)</source>
        <translation>Повторный (обработан)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+19"/>
        <source>Rejected</source>
        <translation>Отклонён</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Target</source>
        <translation>Целевой</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Non-target</source>
        <translation>Нецелевой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unchecked</source>
        <translation>Не проверен</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+29"/>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Dialogs</source>
        <translation>Диалоги</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Requests</source>
        <translation>Заявки</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+17"/>
        <source>Received</source>
        <translation>Поступил</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Marked as a duplicate</source>
        <translation>Отмечен как дубль</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assigned</source>
        <translation>Назначен ответственный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redirected to a role</source>
        <translation>Передан роли</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taken in progress</source>
        <translation>Взят в работу</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returned to work</source>
        <translation>Возвращён в работу</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Missed call</source>
        <translation>Пропущенный звонок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shared a phone number</source>
        <translation>Поделился номером телефона</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Linked to a client</source>
        <translation>Привязан к клиенту</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact as received</source>
        <translation>Контакт в исходном виде</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Messenger</source>
        <translation>Мессенджер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>Сообщение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Advertising source</source>
        <translation>Рекламный источник</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quality</source>
        <translation>Качество</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>External id</source>
        <translation>Внешний идентификатор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact person</source>
        <translation>Контактное лицо</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat of lead</source>
        <translation>Повтор лида</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicate of lead</source>
        <translation>Дубль лида</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responsible</source>
        <translation>Ответственный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>First action due</source>
        <translation>Срок первого действия</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>First action</source>
        <translation>Первое действие</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Processing date</source>
        <translation>Дата обработки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Processor</source>
        <translation>Обработал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejection reason</source>
        <translation>Причина отклонения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejection comment</source>
        <translation>Комментарий к отклонению</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Interest</source>
        <translation>Интерес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Process</source>
        <translation>Бизнес-процесс</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Entered by</source>
        <translation>Кем введён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Changed</source>
        <translation>Изменён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version</source>
        <translation>Версия</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>now</source>
        <translation>сейчас</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%n min</source>
        <translation>%n мин</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%n h</source>
        <translation>%n ч</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 ₽</source>
        <translation>%1 ₽</translation>
    </message>
</context>
<context>
    <name>ZoneRuleDialog</name>
    <message>
        <location filename="../../ui/settings/channel_dialog.py" line="-477"/>
        <source>Zone rule</source>
        <translation>Правило по зоне</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>e.g. avito, +7495 or firma.ru</source>
        <translation>например, avito, +7495 или firma.ru</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User</source>
        <translation>&amp;Пользователь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Role</source>
        <translation>&amp;Роль</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>— choose —</source>
        <translation>— выберите —</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;When the lead&apos;s</source>
        <translation>&amp;Если у лида</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;is</source>
        <translation>&amp;совпадает с</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>it goes to</source>
        <translation>передать</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Enter the value the lead&apos;s field is compared with.</source>
        <translation>Введите значение, с которым сравнивается поле лида.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Choose who gets the leads of this zone.</source>
        <translation>Выберите, кто получает лиды этой зоны.</translation>
    </message>
</context>
<context>
    <name>ZoneRuleTableModel</name>
    <message>
        <location filename="../../ui/settings/settings_models.py" line="+170"/>
        <source>When</source>
        <translation>Если у лида</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is</source>
        <translation>совпадает с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the lead goes to</source>
        <translation>лид получает</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>role %1</source>
        <translation>роль %1</translation>
    </message>
</context>
<context>
    <name>words</name>
    <message>
        <location filename="../../ui/mail/folder_model.py" line="+36"/>
        <source>Mailboxes</source>
        <translation>Почтовые ящики</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>%1: %2 letters, %3 unread</source>
        <translation>%1: писем: %2, непрочитанных: %3</translation>
    </message>
    <message>
        <location filename="../../ui/reports/models.py" line="+211"/>
        <location filename="../../ui/reports/workspace.py" line="+58"/>
        <source>Total</source>
        <translation>Итого</translation>
    </message>
</context>
</TS>
