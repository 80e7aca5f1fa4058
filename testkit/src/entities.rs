//! The entities Telegram's server finds in the text clients send.
//!
//! Telegram apps send only the entities a person made (bold, text links, mention names, ...);
//! the server finds mentions, hashtags, cashtags, bot commands, links and e-mail addresses
//! itself and stores them with the message. TDLib shows both halves of this contract: its
//! `get_input_message_entities` drops every "found" entity type before sending
//! (`td/telegram/MessageEntity.cpp`, `is_user_entity`), and it reads received messages with
//! `skip_new_entities = true` (`MessagesManager.cpp`, `get_message_text` calls), trusting the
//! server's list; after sending, it replaces its copy's entities with the ones the server
//! returns in `updateShortSentMessage` (`on_update_sent_text_message`). Found entities are
//! added even when the client sent entities of its own (users get clickable links in bold
//! messages; Bot API users see `url` entities appear next to the ones they sent,
//! TelegramBots/Telegram.Bot#1438), but never over them: one that overlaps a sent entity other
//! than bold/italic/underline/strikethrough/spoiler is dropped, as TDLib's
//! `merge_new_entities` does.
//!
//! The finders below are ports of TDLib's `match_mentions`, `match_bot_commands`,
//! `match_hashtags`, `match_cashtags`, `match_urls`, `fix_url` and `is_email_address`
//! (`td/telegram/MessageEntity.cpp`, tdlib/td 022d602). They are a faithful subset: bank
//! cards, phone numbers (TDLib has none either), media timestamps (only in media captions) and
//! `tg://`/`ton://` links are not found; Unicode categories are Rust's (`is_alphanumeric`,
//! `is_whitespace`) rather than TDLib's tables; links without a scheme are recognised for the
//! common top-level domains in [`COMMON_TLDS`] only (TDLib knows about 1,500).

use grammers_tl_types as tl;

/// Whether `c` is a "word character" (TDLib `is_word_character`: a letter, a number or `_`).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `[a-zA-Z0-9_]`, the characters of usernames and commands.
fn is_username_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// TDLib `is_hashtag_letter`: letters, digits, `_`, ZWNJ, middle dot and Sinhala.
fn is_hashtag_letter(c: char) -> bool {
    matches!(c, '_' | '\u{200c}' | '\u{b7}' | '\u{d80}'..='\u{dff}') || c.is_alphanumeric()
}

/// TDLib `is_url_unicode_symbol`: anything but separators and most general punctuation.
fn is_url_unicode_symbol(c: char) -> bool {
    if ('\u{2000}'..='\u{206f}').contains(&c) {
        return c == '\u{200c}' || c == '\u{200d}' || ('\u{2010}'..='\u{2015}').contains(&c);
    }
    !c.is_whitespace()
}

/// TDLib `is_url_path_symbol`.
fn is_url_path_symbol(c: char) -> bool {
    !matches!(c, '\n' | '<' | '>' | '"' | '«' | '»') && is_url_unicode_symbol(c)
}

/// Characters a link's path may not end with (TDLib's `bad_path_end_chars`).
const BAD_PATH_END: &[char] = &['.', ':', ';', ',', '(', '\'', '?', '!', '`'];

/// Short usernames that are still mentions (TDLib `get_valid_short_usernames`).
const SHORT_USERNAMES: &[&str] = &["gif", "nft", "pic", "ufc", "vid"];

/// Top-level domains that make a link without a scheme (`example.com`) a link: a subset of
/// TDLib's `is_common_tld` list. A link with `http://` or `https://` needs none of these.
pub(crate) const COMMON_TLDS: &[&str] = &[
    "ai", "app", "ar", "at", "au", "be", "bg", "biz", "blog", "br", "by", "ca", "cc", "ch", "cl",
    "club", "cn", "co", "com", "cz", "de", "dev", "dk", "edu", "ee", "es", "eu", "fi", "fm", "fr",
    "gg", "gov", "gr", "hk", "hu", "id", "ie", "il", "in", "info", "io", "ir", "it", "jp", "kr",
    "kz", "link", "live", "lt", "lv", "me", "mobi", "mx", "my", "name", "net", "news", "nl", "no",
    "online", "org", "page", "ph", "pl", "pro", "pt", "ro", "rs", "ru", "se", "sg", "shop", "site",
    "sk", "space", "store", "tech", "th", "to", "top", "tr", "tv", "tw", "ua", "uk", "us", "uz",
    "vn", "website", "ws", "xyz", "za", "рф",
];

/// What kind of entity a finder found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mention,
    BotCommand,
    Hashtag,
    Cashtag,
    Url,
    Email,
}

/// A found entity, in char indices `[start, end)`.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    kind: Kind,
}

/// TDLib `match_mentions` + `find_mentions`: `@` not after a word character, 2 to 32
/// `[a-zA-Z0-9_]` not followed by a word character; usernames shorter than 4 only if listed in
/// [`SHORT_USERNAMES`].
fn mentions(s: &[char], out: &mut Vec<Found>) {
    let mut i = 0;
    while i < s.len() {
        if s[i] != '@' || (i > 0 && is_word(s[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let name_start = i;
        while i < s.len() && is_username_char(s[i]) {
            i += 1;
        }
        let size = i - name_start;
        if !(2..=32).contains(&size) || s.get(i).copied().is_some_and(is_word) {
            continue;
        }
        let name: String = s[name_start..i].iter().collect::<String>().to_lowercase();
        if size < 4 && !SHORT_USERNAMES.contains(&name.as_str()) {
            continue;
        }
        out.push(Found {
            start,
            end: i,
            kind: Kind::Mention,
        });
    }
}

/// TDLib `match_bot_commands`: `/` not after a word character, `/`, `<` or `>`; 1 to 64
/// `[a-zA-Z0-9_]`; optionally `@` and a 3 to 32 character bot username; not followed by a
/// word character, `/`, `<` or `>`.
fn bot_commands(s: &[char], out: &mut Vec<Found>) {
    let blocks = |c: char| is_word(c) || matches!(c, '/' | '<' | '>');
    let mut i = 0;
    while i < s.len() {
        if s[i] != '/' || (i > 0 && blocks(s[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let name_start = i;
        while i < s.len() && is_username_char(s[i]) {
            i += 1;
        }
        if !(1..=64).contains(&(i - name_start)) {
            continue;
        }
        let mut end = i;
        if s.get(i) == Some(&'@') {
            i += 1;
            let bot_start = i;
            while i < s.len() && is_username_char(s[i]) {
                i += 1;
            }
            if !(3..=32).contains(&(i - bot_start)) {
                continue;
            }
            end = i;
        }
        if s.get(i).copied().is_some_and(blocks) {
            continue;
        }
        out.push(Found {
            start,
            end,
            kind: Kind::BotCommand,
        });
    }
}

/// TDLib `match_hashtags`: `#` not after a hashtag letter, 1 to 256 hashtag letters with at
/// least one letter, optionally `@username`, not followed by another `#`.
fn hashtags(s: &[char], out: &mut Vec<Found>) {
    let mut i = 0;
    while i < s.len() {
        if s[i] != '#' || (i > 0 && is_hashtag_letter(s[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut size = 0;
        let mut capped_end = None;
        let mut was_letter = false;
        while i < s.len() && is_hashtag_letter(s[i]) {
            if size < 256 {
                was_letter |= s[i].is_alphabetic();
                size += 1;
            }
            i += 1;
            if size == 256 && capped_end.is_none() {
                capped_end = Some(i);
            }
        }
        if size == 0 {
            continue;
        }
        let mut end = capped_end.unwrap_or(i);
        if end == i && s.get(i) == Some(&'@') {
            let mut j = i + 1;
            while j < s.len() && j - i < 33 && is_username_char(s[j]) {
                j += 1;
            }
            if j - i > 3 {
                i = j;
                end = j;
            }
        }
        if s.get(i) == Some(&'#') || !was_letter {
            continue;
        }
        out.push(Found {
            start,
            end,
            kind: Kind::Hashtag,
        });
    }
}

/// TDLib `match_cashtags`: `$` not after a hashtag letter or `$`, `1INCH` or 1 to 8 capital
/// letters, optionally `@username`, not followed by a hashtag letter or `$`.
fn cashtags(s: &[char], out: &mut Vec<Found>) {
    let mut i = 0;
    while i < s.len() {
        if s[i] != '$' || (i > 0 && (is_hashtag_letter(s[i - 1]) || s[i - 1] == '$')) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let tag_start = i;
        if s[i..].starts_with(&['1', 'I', 'N', 'C', 'H']) {
            i += 5;
        } else {
            while i < s.len() && s[i].is_ascii_uppercase() {
                i += 1;
            }
        }
        if !(1..=8).contains(&(i - tag_start)) {
            continue;
        }
        let mut end = i;
        if s.get(i) == Some(&'@') {
            let mut j = i + 1;
            while j < s.len() && is_username_char(s[j]) {
                j += 1;
            }
            if (3..=32).contains(&(j - i - 1)) {
                end = j;
                i = j;
            }
        }
        if s.get(i)
            .copied()
            .is_some_and(|c| is_hashtag_letter(c) || c == '$')
        {
            continue;
        }
        out.push(Found {
            start,
            end,
            kind: Kind::Cashtag,
        });
    }
}

fn is_domain_symbol(c: char) -> bool {
    if (c as u32) < 0xc0 {
        return c == '.' || c == '~' || c == '-' || is_username_char(c);
    }
    is_url_unicode_symbol(c)
}

fn is_user_data_symbol(c: char) -> bool {
    !matches!(
        c,
        '\n' | '/'
            | '['
            | ']'
            | '{'
            | '}'
            | '('
            | ')'
            | '\''
            | '`'
            | '<'
            | '>'
            | '"'
            | '@'
            | '«'
            | '»'
    ) && is_url_unicode_symbol(c)
}

fn is_protocol_symbol(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '+' || c == '-';
    }
    !c.is_whitespace()
}

/// TDLib `match_urls`: every run around a `.` that could be a link or an e-mail address,
/// with its scheme, user data, port and path; `fix_url`/`is_email_address` then decide.
fn url_candidates(s: &[char]) -> Vec<(usize, usize)> {
    let mut result = Vec::new();
    let end = s.len();
    let mut begin = 0;
    while let Some(rel) = s[begin..].iter().position(|&c| c == '.') {
        let dot = begin + rel;
        if dot + 1 == end {
            break;
        }
        if s[dot + 1] == ' ' {
            begin = dot + 2;
            continue;
        }
        let mut domain_begin = dot;
        while domain_begin > begin && is_domain_symbol(s[domain_begin - 1]) {
            domain_begin -= 1;
        }
        let mut last_at = false;
        let mut domain_end = dot;
        while domain_end < end {
            let c = s[domain_end];
            if c == '@' {
                last_at = true;
            } else if !is_domain_symbol(c) {
                break;
            }
            domain_end += 1;
        }
        if last_at {
            while domain_begin > begin && is_user_data_symbol(s[domain_begin - 1]) {
                domain_begin -= 1;
            }
        }
        let mut url_end = domain_end;
        if url_end < end && s[url_end] == ':' {
            let mut port_end = url_end + 1;
            while port_end < end && s[port_end].is_ascii_digit() {
                port_end += 1;
            }
            let mut port_begin = url_end + 1;
            while port_begin < port_end && s[port_begin] == '0' {
                port_begin += 1;
            }
            let port: String = s[port_begin..port_end].iter().collect();
            if port_begin != port_end
                && port_end - port_begin <= 5
                && port.parse::<u32>().is_ok_and(|p| p <= 65535)
            {
                url_end = port_end;
            }
        }
        if url_end < end && matches!(s[url_end], '/' | '?' | '#') {
            let mut path_end = url_end + 1;
            while path_end < end && is_url_path_symbol(s[path_end]) {
                path_end += 1;
            }
            while path_end > url_end + 1 && BAD_PATH_END.contains(&s[path_end - 1]) {
                path_end -= 1;
            }
            if s[url_end] == '/' || path_end > url_end + 1 {
                url_end = path_end;
            }
        }
        while url_end > dot + 1 && s[url_end - 1] == '.' {
            url_end -= 1;
        }

        let mut bad = false;
        let mut url_begin = domain_begin;
        if url_begin != begin && s[url_begin - 1] == '@' {
            bad |= last_at;
            let mut user_begin = url_begin - 1;
            while user_begin > begin && is_user_data_symbol(s[user_begin - 1]) {
                user_begin -= 1;
            }
            bad |= user_begin == url_begin - 1;
            url_begin = user_begin;
        }
        if url_begin != begin {
            let prefix = &s[begin..url_begin];
            if prefix.len() >= 6 && prefix.ends_with(&[':', '/', '/']) {
                let mut protocol_begin = url_begin - 3;
                while protocol_begin > begin && is_protocol_symbol(s[protocol_begin - 1]) {
                    protocol_begin -= 1;
                }
                let protocol: String = s[protocol_begin..url_begin - 3]
                    .iter()
                    .collect::<String>()
                    .to_lowercase();
                if protocol.ends_with("http") && protocol != "shttp" {
                    url_begin -= 7;
                } else if protocol.ends_with("https") {
                    url_begin -= 8;
                } else if protocol.ends_with("ftp") && protocol != "tftp" && protocol != "sftp" {
                    url_begin -= 6;
                } else {
                    bad = true;
                }
            } else {
                let prev = s[url_begin - 1];
                bad |= is_word(prev) || matches!(prev, '/' | '#' | '@');
            }
        }

        if !bad {
            if url_end > dot + 1 {
                result.push((url_begin, url_end));
            }
            while url_end < end && s[url_end] == '.' {
                url_end += 1;
            }
        } else {
            while s[url_end - 1] != '.' {
                url_end -= 1;
            }
        }
        begin = url_end.max(dot + 1);
    }
    result
}

/// TDLib `is_email_address`.
fn is_email(s: &[char]) -> bool {
    let text: String = s.iter().collect();
    let Some((user, domain)) = text.split_once('@') else {
        return false;
    };
    if domain.is_empty() {
        return false;
    }
    let alnum_dash = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    let mut prev = 0;
    let mut parts = 0;
    for (i, c) in user.bytes().enumerate() {
        if c == b'.' || c == b'+' {
            if i - prev >= 27 {
                return false;
            }
            parts += 1;
            prev = i + 1;
        } else if !alnum_dash(c) {
            return false;
        }
    }
    parts += 1;
    let last = user.len() - prev;
    if parts >= 12 || last == 0 || last >= 36 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, rest)) = labels.split_last() else {
        return false;
    };
    if labels.len() <= 1
        || labels.len() > 7
        || tld.len() <= 1
        || tld.len() >= 9
        || !tld.bytes().all(|c| c.is_ascii_alphabetic())
    {
        return false;
    }
    rest.iter().all(|label| {
        let bytes = label.as_bytes();
        !bytes.is_empty()
            && bytes.len() < 31
            && bytes.iter().all(|&c| alnum_dash(c))
            && bytes[0].is_ascii_alphanumeric()
            && bytes[bytes.len() - 1].is_ascii_alphanumeric()
    })
}

/// TDLib `is_common_tld`, on the subset [`COMMON_TLDS`]: a domain capitalised like a word
/// (`Example.Com`) is not taken as one.
fn is_common_tld(tld: &str) -> bool {
    let lower = tld.to_lowercase();
    if lower != tld && lower.chars().skip(1).eq(tld.chars().skip(1)) {
        return false;
    }
    COMMON_TLDS.contains(&lower.as_str())
}

/// TDLib `fix_url`: checks the domain of a candidate and trims unbalanced brackets and
/// punctuation from its path. Returns the link's length in chars, or `None`.
fn fix_url(url: &[char]) -> Option<usize> {
    let head: String = url.iter().take(10).collect::<String>().to_lowercase();
    let has_protocol = ["http://", "https://", "ftp://"]
        .iter()
        .any(|p| head.starts_with(p));
    let rest = if has_protocol {
        let colon = url.iter().position(|&c| c == ':')?;
        &url[colon + 3..]
    } else {
        url
    };
    let domain_end = rest
        .iter()
        .position(|c| matches!(c, '/' | '?' | '#'))
        .unwrap_or(rest.len());
    let mut domain = &rest[..domain_end];
    let path = &rest[domain_end..];
    if let Some(at) = domain.iter().position(|&c| c == '@') {
        domain = &domain[at + 1..];
    }
    if let Some(colon) = domain.iter().rposition(|&c| c == ':') {
        domain = &domain[..colon];
    }

    let mut balance = [0i32; 3];
    let mut path_len = 0;
    while path_len < path.len() {
        match path[path_len] {
            '(' => balance[0] += 1,
            '[' => balance[1] += 1,
            '{' => balance[2] += 1,
            ')' => balance[0] -= 1,
            ']' => balance[1] -= 1,
            '}' => balance[2] -= 1,
            _ => {}
        }
        if balance.iter().any(|b| *b < 0) {
            break;
        }
        path_len += 1;
    }
    while path_len > 0 && BAD_PATH_END.contains(&path[path_len - 1]) {
        path_len -= 1;
    }
    let length = url.len() - (path.len() - path_len);

    let domain: String = domain.iter().collect();
    let labels: Vec<&str> = domain.split('.').collect();
    let mut has_non_digit = false;
    let mut is_ipv4 = true;
    for label in &labels {
        let bytes = label.as_bytes();
        if bytes.is_empty() || bytes.len() >= 64 || bytes[bytes.len() - 1] == b'-' {
            return None;
        }
        if !bytes.iter().all(u8::is_ascii_digit) {
            is_ipv4 = false;
            has_non_digit = true;
        } else if bytes.len() > 3
            || label.parse::<u32>().is_ok_and(|n| n > 255)
            || (bytes[0] == b'0' && bytes.len() >= 2)
        {
            is_ipv4 = false;
        }
    }
    if labels.len() == 1 {
        return None;
    }
    if is_ipv4 && labels.len() == 4 {
        return Some(length);
    }
    if !has_non_digit {
        return None;
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().count() <= 1 {
        return None;
    }
    if let Some(puny) = tld.strip_prefix("xn--") {
        if puny.len() <= 1 || !puny.bytes().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
    } else if tld.contains(['_', '-']) || (!has_protocol && !is_common_tld(tld)) {
        return None;
    }
    // The second-level label may not hold `_`.
    if labels[labels.len() - 2].contains('_') {
        return None;
    }
    Some(length)
}

/// TDLib `find_urls`: links and e-mail addresses (`mailto:` dropped from the entity).
fn urls(s: &[char], out: &mut Vec<Found>) {
    for (start, end) in url_candidates(s) {
        let url = &s[start..end];
        if is_email(url) {
            out.push(Found {
                start,
                end,
                kind: Kind::Email,
            });
        } else if url.starts_with(&['m', 'a', 'i', 'l', 't', 'o', ':']) && is_email(&url[7..]) {
            out.push(Found {
                start: start + 7,
                end,
                kind: Kind::Email,
            });
        } else if let Some(length) = fix_url(url) {
            out.push(Found {
                start,
                end: start + length,
                kind: Kind::Url,
            });
        }
    }
}

/// The entities Telegram finds in `text`. `bot_commands` is false where Telegram finds none
/// (private chats between two people; see [`crate::state::State::entities_for`]).
///
/// Offsets and lengths are in UTF-16 code units, as in every TL entity.
pub(crate) fn find(text: &str, bot_commands: bool) -> Vec<tl::enums::MessageEntity> {
    let s: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    mentions(&s, &mut found);
    if bot_commands {
        self::bot_commands(&s, &mut found);
    }
    hashtags(&s, &mut found);
    cashtags(&s, &mut found);
    urls(&s, &mut found);
    // TDLib `fix_entity_offsets`: sorted by start (longest first), overlapping ones dropped.
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut utf16 = Vec::with_capacity(s.len() + 1);
    let mut at = 0i32;
    utf16.push(0);
    for c in &s {
        at += c.len_utf16() as i32;
        utf16.push(at);
    }
    let mut last_end = 0;
    let mut entities = Vec::new();
    for f in found {
        if f.start < last_end {
            continue;
        }
        last_end = f.end;
        let offset = utf16[f.start];
        let length = utf16[f.end] - offset;
        entities.push(match f.kind {
            Kind::Mention => tl::enums::MessageEntity::Mention(tl::types::MessageEntityMention {
                offset,
                length,
            }),
            Kind::BotCommand => {
                tl::enums::MessageEntity::BotCommand(tl::types::MessageEntityBotCommand {
                    offset,
                    length,
                })
            }
            Kind::Hashtag => tl::enums::MessageEntity::Hashtag(tl::types::MessageEntityHashtag {
                offset,
                length,
            }),
            Kind::Cashtag => tl::enums::MessageEntity::Cashtag(tl::types::MessageEntityCashtag {
                offset,
                length,
            }),
            Kind::Url => {
                tl::enums::MessageEntity::Url(tl::types::MessageEntityUrl { offset, length })
            }
            Kind::Email => {
                tl::enums::MessageEntity::Email(tl::types::MessageEntityEmail { offset, length })
            }
        });
    }
    entities
}

/// Entity kinds that found entities may nest in (TDLib's "splittable" entities, plus the
/// blockquote when they lie wholly inside it).
fn lets_found_nest(entity: &tl::enums::MessageEntity) -> bool {
    use tl::enums::MessageEntity as E;
    matches!(
        entity,
        E::Bold(_) | E::Italic(_) | E::Underline(_) | E::Strike(_) | E::Spoiler(_)
    )
}

/// What the server stores for a message: the entities the client `sent` (with
/// `inputMessageEntityMentionName` turned into `messageEntityMentionName` for `sender`, as
/// Telegram does), plus the `found` ones that do not overlap them (TDLib `merge_new_entities`),
/// sorted by offset.
pub(crate) fn merge(
    sent: Vec<tl::enums::MessageEntity>,
    found: Vec<tl::enums::MessageEntity>,
    sender: i64,
) -> Vec<tl::enums::MessageEntity> {
    let mut entities: Vec<tl::enums::MessageEntity> = sent
        .into_iter()
        .filter_map(|e| match e {
            tl::enums::MessageEntity::InputMessageEntityMentionName(m) => {
                let user_id = match m.user_id {
                    tl::enums::InputUser::User(u) => u.user_id,
                    tl::enums::InputUser::FromMessage(u) => u.user_id,
                    tl::enums::InputUser::UserSelf => sender,
                    tl::enums::InputUser::Empty => return None,
                };
                Some(tl::enums::MessageEntity::MentionName(
                    tl::types::MessageEntityMentionName {
                        offset: m.offset,
                        length: m.length,
                        user_id,
                    },
                ))
            }
            other => Some(other),
        })
        .collect();
    let overlaps = |a: &tl::enums::MessageEntity, b: &tl::enums::MessageEntity| {
        a.offset() < b.offset() + b.length() && b.offset() < a.offset() + a.length()
    };
    let inside = |inner: &tl::enums::MessageEntity, outer: &tl::enums::MessageEntity| {
        outer.offset() <= inner.offset()
            && inner.offset() + inner.length() <= outer.offset() + outer.length()
    };
    let kept: Vec<_> = found
        .into_iter()
        .filter(|f| {
            entities.iter().all(|s| {
                !overlaps(s, f)
                    || lets_found_nest(s)
                    || (matches!(s, tl::enums::MessageEntity::Blockquote(_)) && inside(f, s))
            })
        })
        .collect();
    entities.extend(kept);
    entities.sort_by_key(|e| (e.offset(), std::cmp::Reverse(e.length())));
    entities
}

impl crate::state::State {
    /// The entities Telegram stores for `text` that `from` sends (or edits) into `to`: the
    /// ones the client `sent`, plus the ones the server finds.
    ///
    /// Bot commands are not found in a private chat between two people, as TDLib's
    /// `need_always_skip_bot_commands` (`td/telegram/MessageEntity.cpp`) mirrors: they are
    /// found in groups, channels, chats with a bot and in whatever a bot sends.
    pub(crate) fn entities_for(
        &self,
        from: i64,
        to: crate::tl_build::PeerRef,
        text: &str,
        sent: Vec<tl::enums::MessageEntity>,
    ) -> Vec<tl::enums::MessageEntity> {
        let is_bot = |id: i64| self.accounts.get(&id).is_some_and(|a| a.is_bot());
        let bot_commands = match to {
            crate::tl_build::PeerRef::User(peer) => is_bot(from) || is_bot(peer),
            _ => true,
        };
        merge(sent, find(text, bot_commands), from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, text)` of every entity found in `text`.
    fn found(text: &str) -> Vec<(&'static str, String)> {
        let utf16: Vec<u16> = text.encode_utf16().collect();
        find(text, true)
            .iter()
            .map(|e| {
                let kind = match e {
                    tl::enums::MessageEntity::Mention(_) => "mention",
                    tl::enums::MessageEntity::BotCommand(_) => "bot_command",
                    tl::enums::MessageEntity::Hashtag(_) => "hashtag",
                    tl::enums::MessageEntity::Cashtag(_) => "cashtag",
                    tl::enums::MessageEntity::Url(_) => "url",
                    tl::enums::MessageEntity::Email(_) => "email",
                    _ => "other",
                };
                let range = e.offset() as usize..(e.offset() + e.length()) as usize;
                (kind, String::from_utf16(&utf16[range]).unwrap())
            })
            .collect()
    }

    fn one(kind: &'static str, text: &str) -> Vec<(&'static str, String)> {
        vec![(kind, text.to_string())]
    }

    #[test]
    fn mentions_follow_tdlib() {
        assert_eq!(found("hi @alice!"), one("mention", "@alice"));
        assert_eq!(found("@gif cats"), one("mention", "@gif"));
        assert!(found("@abc is too short").is_empty());
        assert!(found("mail me@alice").is_empty(), "after a word character");
        assert!(found("@alicé").is_empty(), "followed by a letter");
    }

    #[test]
    fn bot_commands_follow_tdlib() {
        assert_eq!(found("/start"), one("bot_command", "/start"));
        assert_eq!(
            found("try /help@echo_bot now"),
            one("bot_command", "/help@echo_bot")
        );
        assert!(found("a/b and /x/y and </b>").is_empty());
        assert!(found("/cmd@ab").is_empty(), "bot username too short");
        assert!(find("/start", false).is_empty());
    }

    #[test]
    fn hashtags_and_cashtags_follow_tdlib() {
        assert_eq!(found("#rust rocks"), one("hashtag", "#rust"));
        assert_eq!(found("x #tag@chan y"), one("hashtag", "#tag@chan"));
        assert!(found("#123").is_empty(), "needs a letter");
        assert!(found("a#b").is_empty());
        assert!(found("#a#b").is_empty());
        assert_eq!(found("buy $TON now"), one("cashtag", "$TON"));
        assert_eq!(found("$1INCH"), one("cashtag", "$1INCH"));
        assert!(found("$ton $TOOLONGXX $$AB").is_empty());
    }

    #[test]
    fn links_and_emails_follow_tdlib() {
        assert_eq!(
            found("see https://example.org/a/b?c=d."),
            one("url", "https://example.org/a/b?c=d")
        );
        assert_eq!(found("(t.me/alice)"), one("url", "t.me/alice"));
        assert_eq!(
            found("at example.com:8080/x"),
            one("url", "example.com:8080/x")
        );
        assert_eq!(found("ip 10.0.0.1 ok"), one("url", "10.0.0.1"));
        assert!(found("file.txt and Hello.World and 1.5").is_empty());
        assert_eq!(
            found("mail john.doe@mail.example.com"),
            one("email", "john.doe@mail.example.com")
        );
        assert_eq!(found("mailto:a@b.io"), one("email", "a@b.io"));
    }

    #[test]
    fn offsets_count_utf16_code_units() {
        let entities = find("😀 @alice", true);
        assert_eq!((entities[0].offset(), entities[0].length()), (3, 6));
    }

    #[test]
    fn overlapping_finds_keep_the_earliest() {
        assert_eq!(
            found("https://example.com/#tag @bobby"),
            vec![
                ("url", "https://example.com/#tag".to_string()),
                ("mention", "@bobby".to_string())
            ]
        );
    }

    #[test]
    fn sent_entities_win_over_found_ones() {
        let bold = tl::enums::MessageEntity::Bold(tl::types::MessageEntityBold {
            offset: 0,
            length: 12,
        });
        let code = tl::enums::MessageEntity::Code(tl::types::MessageEntityCode {
            offset: 13,
            length: 6,
        });
        let text = "@alice_smith @bobby";
        let merged = merge(vec![code.clone(), bold.clone()], find(text, true), 1);
        assert_eq!(
            merged,
            vec![
                bold,
                tl::enums::MessageEntity::Mention(tl::types::MessageEntityMention {
                    offset: 0,
                    length: 12
                }),
                code
            ]
        );
    }
}
