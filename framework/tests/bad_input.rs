//! Bad input never panics, and parsers keep their promises on any input.
//!
//! Property tests (proptest, 256 cases per property; `PROPTEST_CASES=N` for more) over
//! everything that reads what users, other bots or config files send: command parsing,
//! `Args<T>`, callback data patterns and `CallbackData<T>`, the builtin filters over
//! arbitrary messages (every size Telegram allows: 0 to 4096 UTF-16 code units, empty texts,
//! captions, odd Unicode, formatting entities at the edges and beyond), and `Bot.toml` from
//! arbitrary TOML and arbitrary bytes. The `fuzz/` targets cover the same surfaces with
//! coverage guidance.
//!
//! Lone surrogates cannot be tested: Rust strings are UTF-8, and grammers rejects a message
//! whose text is not valid UTF-8 while deserializing it, before any of this code sees it.

use std::sync::{Arc, Mutex};

use oxygram::Config;
use oxygram::command::CommandParser;
use oxygram::dispatch::testing::{
    MessageSpec, TestChat, TestUser, TestWorld, peer_channel, peer_chat, peer_user,
};
use oxygram::dispatch::{Dispatcher, DispatcherSetup, Me, UpdateContext};
use oxygram::extract::{CallbackData, FromUpdate, ParseArgs};
use oxygram::filters::{self, Filter, UserRef};
use oxygram::grammers::tl;
use oxygram::handler::{BoxFuture, HandlerSpec, Kind, Outcome, Trigger};
use oxygram::state::States;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

const ME: i64 = 999;
const ALICE: i64 = 100;
const BOT: i64 = 300;
const USERNAME: &str = "EchoBot";

/// Telegram's longest message text and caption, in UTF-16 code units.
const MAX_TEXT_UTF16: usize = 4096;

fn runner() -> TestRunner {
    TestRunner::new(ProptestConfig {
        // Failures print the minimal input; no regression files in the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

// ---- strategies -------------------------------------------------------------------------

/// Characters that break naive text handling, mixed with plain ASCII.
fn odd_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => proptest::char::range(' ', '~'),
        2 => proptest::sample::select(vec![
            ' ', '\t', '\n', '\r', '\u{a0}', '\u{2028}', '\u{3000}', '\u{85}', '\u{200b}',
            '\u{feff}', '/', '@', '!', '.', '*',
        ]),
        2 => proptest::sample::select(vec![
            '\u{202e}', // right-to-left override
            '\u{200f}', // right-to-left mark
            '\u{200d}', // zero-width joiner
            '\u{301}',  // combining acute accent
            '\u{fe0f}', // variation selector
            'İ',        // lowercases to two chars
            'ß', 'ﬁ', 'Σ', 'é', 'א', 'ا', '中', '\0', '\u{7f}',
            '😀', '👨', '🎲', '𝔘', '\u{10ffff}', '\u{e000}',
        ]),
        1 => any::<char>(),
    ]
}

/// Text of at most `max_utf16` UTF-16 code units (how Telegram counts).
fn text_upto(max_utf16: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(odd_char(), 0..=max_utf16).prop_map(move |chars| {
        let mut text = String::new();
        let mut units = 0;
        for c in chars {
            if units + c.len_utf16() > max_utf16 {
                break;
            }
            units += c.len_utf16();
            text.push(c);
        }
        text
    })
}

/// Message texts of every size Telegram allows, with the edges made likely.
fn message_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text_upto(80),
        2 => text_upto(MAX_TEXT_UTF16),
        1 => Just(String::new()),
        1 => Just("a".repeat(MAX_TEXT_UTF16)),
        // 2048 astral characters: 4096 UTF-16 units, 8192 bytes.
        1 => Just("😀".repeat(MAX_TEXT_UTF16 / 2)),
        1 => Just("\u{202e}/start@EchoBot \u{200d}\u{301}".to_owned()),
    ]
}

fn utf16_len(text: &str) -> i32 {
    text.encode_utf16().count() as i32
}

/// Entities with offsets and lengths at the edges of the text (UTF-16 units), inside it,
/// splitting a surrogate pair, and past its end.
fn entities(len16: i32) -> impl Strategy<Value = Vec<tl::enums::MessageEntity>> {
    let position = prop_oneof![
        Just(0),
        Just(len16),
        Just((len16 - 1).max(0)),
        Just(len16 / 2),
        0..=len16 + 2,
    ];
    let entity = (0..7u8, position.clone(), position).prop_map(|(kind, offset, length)| {
        use tl::enums::MessageEntity as E;
        use tl::types as t;
        match kind {
            0 => E::Bold(t::MessageEntityBold { offset, length }),
            1 => E::Italic(t::MessageEntityItalic { offset, length }),
            2 => E::Code(t::MessageEntityCode { offset, length }),
            3 => E::Pre(t::MessageEntityPre {
                offset,
                length,
                language: "rust".into(),
            }),
            4 => E::TextUrl(t::MessageEntityTextUrl {
                offset,
                length,
                url: "https://example.org/?a=<b>&c=\"d\"".into(),
            }),
            5 => E::MentionName(t::MessageEntityMentionName {
                offset,
                length,
                user_id: ALICE,
            }),
            _ => E::Blockquote(t::MessageEntityBlockquote {
                collapsed: false,
                offset,
                length,
            }),
        }
    });
    proptest::collection::vec(entity, 0..4)
}

fn media() -> impl Strategy<Value = Option<tl::enums::MessageMedia>> {
    use tl::enums::DocumentAttribute as A;
    use tl::enums::MessageMedia as M;
    let document = |attributes: Vec<A>, voice: bool, round: bool| {
        M::Document(tl::types::MessageMediaDocument {
            nopremium: false,
            spoiler: false,
            video: false,
            round,
            voice,
            document: Some(tl::enums::Document::Document(tl::types::Document {
                id: 1,
                access_hash: 1,
                file_reference: vec![],
                date: 0,
                mime_type: "application/octet-stream".into(),
                size: 1,
                thumbs: None,
                video_thumbs: None,
                dc_id: 2,
                attributes,
            })),
            alt_documents: None,
            video_cover: None,
            video_timestamp: None,
            ttl_seconds: None,
        })
    };
    let sticker = A::Sticker(tl::types::DocumentAttributeSticker {
        mask: false,
        alt: "🙂".into(),
        stickerset: tl::enums::InputStickerSet::Empty,
        mask_coords: None,
    });
    let audio = |voice| {
        A::Audio(tl::types::DocumentAttributeAudio {
            voice,
            duration: 1,
            title: None,
            performer: None,
            waveform: None,
        })
    };
    let video = |round_message| {
        A::Video(tl::types::DocumentAttributeVideo {
            round_message,
            supports_streaming: false,
            nosound: false,
            duration: 1.0,
            w: 1,
            h: 1,
            preload_prefix_size: None,
            video_start_ts: None,
            video_codec: None,
        })
    };
    proptest::sample::select(vec![
        None,
        Some(M::Empty),
        Some(M::WebPage(tl::types::MessageMediaWebPage {
            force_large_media: false,
            force_small_media: false,
            manual: false,
            safe: false,
            webpage: tl::enums::WebPage::Empty(tl::types::WebPageEmpty { id: 1, url: None }),
        })),
        Some(M::Dice(tl::types::MessageMediaDice {
            value: 6,
            emoticon: "🎲".into(),
            game_outcome: None,
        })),
        Some(document(vec![], false, false)),
        Some(document(vec![sticker], false, false)),
        Some(document(vec![A::Animated, video(false)], false, false)),
        Some(document(vec![video(false)], false, false)),
        Some(document(vec![video(true)], false, false)),
        Some(document(vec![], false, true)),
        Some(document(vec![audio(true)], false, false)),
        Some(document(vec![audio(false)], false, false)),
        Some(document(vec![], true, false)),
    ])
}

/// Any message a bot or userbot could receive (and some it could not: a peer the world does
/// not know, entities past the end).
fn message_spec() -> impl Strategy<Value = (MessageSpec, bool)> {
    let chat = proptest::sample::select(vec![
        peer_user(ALICE),
        peer_user(BOT),
        peer_user(ME),
        peer_user(123_456), // unknown
        peer_chat(10),
        peer_channel(20),
        peer_channel(30),
        peer_channel(40), // unknown
    ]);
    (
        message_text(),
        chat,
        any::<(bool, bool, bool, bool, bool, bool, bool, bool)>(),
        media(),
        any::<i32>(),
    )
        .prop_flat_map(|(text, chat, flags, media, id)| {
            let len16 = utf16_len(&text);
            (
                Just((text, chat, flags, media, id)),
                entities(len16),
                any::<bool>(),
            )
        })
        .prop_map(|((text, chat, flags, media, id), entities, edited)| {
            let (out, mentioned, post, reply, forwarded, via_bot, service, from) = flags;
            let mut spec = MessageSpec::new(id, &text).chat(chat).entities(entities);
            spec.out = out;
            spec.mentioned = mentioned;
            spec.post = post;
            spec.reply_to = reply.then_some(1);
            spec.forwarded_from = forwarded.then(|| peer_user(ALICE));
            spec.via_bot = via_bot.then_some(BOT);
            spec.service = service;
            if from {
                spec = spec.from_user(ALICE);
            }
            if let Some(media) = media {
                spec = spec.media(media);
            }
            (spec, edited)
        })
}

async fn world() -> TestWorld {
    TestWorld::new(
        vec![
            TestUser::new(ALICE, "alice"),
            TestUser::new(ME, USERNAME).bot(),
            TestUser::new(BOT, "helper_bot").bot(),
        ],
        vec![
            TestChat::Group(10),
            TestChat::Supergroup(20),
            TestChat::Channel(30),
        ],
    )
    .await
}

fn dispatcher(world: &TestWorld, handlers: Vec<HandlerSpec>, states: States) -> Dispatcher {
    let config = Config::from_toml_str("[telegram]\napi_id = 1\n").expect("config");
    let me = Me {
        id: ME,
        username: Some(USERNAME.into()),
        is_bot: false,
    };
    let mut setup = DispatcherSetup::new(world.client().clone(), me, Arc::new(config), states);
    setup.handlers = Some(handlers);
    Dispatcher::new(setup).expect("handlers fit")
}

// ---- commands ---------------------------------------------------------------------------

#[test]
fn command_parsing_never_panics_and_what_it_returns_is_in_the_text() {
    let strategy = (
        text_upto(200),
        proptest::collection::vec(text_upto(3), 0..4),
        proptest::option::of(text_upto(12)),
    );
    runner()
        .run(&strategy, |(text, prefixes, username)| {
            let parser = CommandParser::new(&prefixes, username.as_deref());
            if let Some(command) = parser.parse(&text) {
                prop_assert!(text.starts_with(&command.prefix));
                prop_assert!(!command.prefix.is_empty());
                prop_assert!(!command.name.is_empty());
                prop_assert!(!command.name.contains(char::is_whitespace));
                prop_assert!(!command.name.contains('@'));
                prop_assert!(text.ends_with(&command.args));
                prop_assert_eq!(command.args.trim_start(), command.args.as_str());
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_written_command_parses_back_to_its_name_and_arguments() {
    // No prefix is the start of another, so which one matches is never ambiguous.
    let prefixes: Vec<String> = ["/", "!", "🤖", ".."].map(String::from).to_vec();
    let name = proptest::collection::vec(
        odd_char().prop_filter("a command name is one word", |c| {
            !c.is_whitespace() && *c != '@'
        }),
        1..20,
    )
    .prop_map(|chars| chars.into_iter().collect::<String>());
    let mention = proptest::sample::select(vec![
        None,
        Some("EchoBot"),
        Some("echobot"),
        Some("ECHOBOT"),
        Some("OtherBot"),
        Some(""),
    ]);
    let separator = proptest::sample::select(vec![" ", "\n", "\t", "\u{a0}", "  \u{3000}"]);
    let strategy = (
        proptest::sample::select(prefixes.clone()),
        name,
        mention,
        separator,
        text_upto(300),
    );
    let parser = CommandParser::new(&prefixes, Some(USERNAME));
    runner()
        .run(&strategy, |(prefix, name, mention, separator, args)| {
            let addressed = match mention {
                Some(m) => format!("@{m}"),
                None => String::new(),
            };
            let text = format!("{prefix}{name}{addressed}{separator}{args}");
            let parsed = parser.parse(&text);
            let for_us = mention.is_none_or(|m| m.eq_ignore_ascii_case(USERNAME));
            prop_assert_eq!(parsed.is_some(), for_us, "{:?}", text);
            if let Some(command) = parsed {
                prop_assert_eq!(&command.prefix, &prefix);
                prop_assert_eq!(command.name, name.to_lowercase());
                prop_assert_eq!(command.args.as_str(), args.trim_start());
            }
            Ok(())
        })
        .unwrap();
}

// ---- Args<T> ----------------------------------------------------------------------------

#[test]
fn argument_parsing_never_panics_and_bounds_what_it_echoes() {
    fn check<T: ParseArgs>(raw: &str) -> Result<(), TestCaseError> {
        if let Err(problem) = T::parse_args(raw) {
            prop_assert!(problem.chars().count() < 300, "{}", problem);
        }
        Ok(())
    }
    let strategy = prop_oneof![
        4 => text_upto(200),
        1 => text_upto(MAX_TEXT_UTF16),
        1 => "[0-9 ]{0,80}",
        1 => "-?[0-9]{1,60}(\\.[0-9]*)?(e-?[0-9]+)?",
    ];
    runner()
        .run(&strategy, |raw| {
            check::<String>(&raw)?;
            check::<char>(&raw)?;
            check::<bool>(&raw)?;
            check::<f64>(&raw)?;
            check::<u8>(&raw)?;
            check::<i128>(&raw)?;
            check::<(u8, u32)>(&raw)?;
            check::<(i64, String)>(&raw)?;
            check::<(String, u8)>(&raw)?;
            check::<(bool, u8, i16, char, f32, String)>(&raw)?;
            Ok(())
        })
        .unwrap();
}

#[test]
fn written_arguments_parse_back() {
    let space = proptest::sample::select(vec![" ", "  ", "\n", "\t ", "\u{a0}", "\u{2028}"]);
    let strategy = (
        any::<u8>(),
        any::<u32>(),
        any::<i64>(),
        space.clone(),
        space,
        text_upto(200),
    );
    runner()
        .run(&strategy, |(a, b, n, s1, s2, rest)| {
            prop_assert_eq!(
                <(u8, u32)>::parse_args(&format!("{s1}{a}{s2}{b}{s1}")),
                Ok((a, b))
            );
            let rest_trimmed = rest.trim();
            let parsed = <(i64, String)>::parse_args(&format!("{n}{s2}{rest}"));
            if rest_trimmed.is_empty() {
                prop_assert!(parsed.is_err());
            } else if rest.starts_with(char::is_whitespace) {
                prop_assert_eq!(parsed, Ok((n, rest_trimmed.to_owned())));
            }
            Ok(())
        })
        .unwrap();
}

// ---- callback data ----------------------------------------------------------------------

/// What the callback handler extracted, per update.
#[derive(Default)]
struct Extracted(Mutex<Vec<Option<String>>>);

fn record_callback(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let data = CallbackData::<String>::from_update(&cx).await.ok();
        let extracted = cx.states().get::<Extracted>().expect("registered");
        extracted.0.lock().unwrap().push(data.map(|d| d.0));
        Outcome::Handled
    })
}

#[test]
fn callback_patterns_match_exactly_their_data_and_extract_the_rest() {
    let rt = runtime();
    let world = rt.block_on(world());
    // Telegram's callback data is 1 to 64 bytes; 0 and more are tried too.
    let strategy = (
        text_upto(20),
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 0..70),
        any::<bool>(),
    );
    runner()
        .run(&strategy, |(pattern, prefix, tail, starts_with_pattern)| {
            let data: Vec<u8> = if starts_with_pattern {
                pattern.bytes().chain(tail.iter().copied()).collect()
            } else {
                tail
            };
            let written: &'static str =
                Box::leak(format!("{pattern}{}", if prefix { "*" } else { "" }).into_boxed_str());
            let mut states = States::default();
            states.insert(Extracted::default());
            let spec = HandlerSpec::builder("callback", Kind::CallbackQuery, record_callback)
                .module_path("bad_input")
                .trigger(Trigger::Callback(written))
                .location(file!(), line!())
                .build();
            let dispatcher = dispatcher(&world, vec![spec], states.clone());
            let cx = dispatcher.router().context(world.callback(ALICE, &data));
            let ran = rt.block_on(dispatcher.router().route(&cx));

            // A pattern ending in `*` matches data starting with what precedes the `*` (and
            // extracts the rest); any other pattern matches the whole data.
            let (expected_match, rest) = match written.strip_suffix('*') {
                Some(start) => (
                    data.starts_with(start.as_bytes()),
                    data.get(start.len()..).unwrap_or_default(),
                ),
                None => (data == written.as_bytes(), &data[..]),
            };
            prop_assert_eq!(
                ran == 1,
                expected_match,
                "pattern {:?} data {:?}",
                written,
                data
            );
            let extracted = states.get::<Extracted>().unwrap().0.lock().unwrap().clone();
            if expected_match {
                let want = std::str::from_utf8(rest).ok().map(str::to_owned);
                prop_assert_eq!(extracted, vec![want]);
            } else {
                prop_assert!(extracted.is_empty());
            }
            Ok(())
        })
        .unwrap();
}

// ---- filters over arbitrary messages ----------------------------------------------------

fn builtins() -> Vec<(&'static str, Filter)> {
    vec![
        ("private", filters::private),
        ("group", filters::group),
        ("channel", filters::channel),
        ("incoming", filters::incoming),
        ("outgoing", filters::outgoing),
        ("me", filters::me),
        ("bot", filters::bot),
        ("text", filters::text),
        ("caption", filters::caption),
        ("reply", filters::reply),
        ("forwarded", filters::forwarded),
        ("media", filters::media),
        ("photo", filters::photo),
        ("video", filters::video),
        ("document", filters::document),
        ("audio", filters::audio),
        ("voice", filters::voice),
        ("video_note", filters::video_note),
        ("sticker", filters::sticker),
        ("animation", filters::animation),
        ("contact", filters::contact),
        ("location", filters::location),
        ("venue", filters::venue),
        ("poll", filters::poll),
        ("dice", filters::dice),
        ("mentioned", filters::mentioned),
        ("via_bot", filters::via_bot),
        ("service", filters::service),
        (
            "user alice",
            filters::user(&[UserRef::Id(ALICE), UserRef::Username("@Alice")]),
        ),
        ("chat", filters::chat(&[ALICE, -10, -1_000_000_000_020])),
    ]
}

fn eval(filter: Filter, cx: &UpdateContext) -> bool {
    filter
        .matches_sync(cx)
        .expect("builtin filters are synchronous")
}

#[test]
fn filters_over_arbitrary_messages_never_panic_and_agree_with_each_other() {
    let rt = runtime();
    let world = rt.block_on(world());
    let dispatcher = dispatcher(&world, Vec::new(), States::default());
    let router = dispatcher.router();
    let strategy = (message_spec(), 0..30usize, 0..30usize);
    runner()
        .run(&strategy, |((spec, edited), a, b)| {
            let update = if edited {
                world.edited(spec.clone())
            } else {
                world.message(spec.clone())
            };
            let cx = router.context(update);
            // What handlers and logs read from the context.
            let _ = (
                cx.summary(),
                cx.chat(),
                cx.sender(),
                cx.chat_id(),
                cx.sender_id(),
            );
            let message = cx.message().expect("a message update");
            if !spec.service {
                prop_assert_eq!(cx.text(), Some(spec.text.as_str()));
            }
            // grammers' own rendering of the entities, what a handler echoing formatted text
            // calls: at the edges, past the end, and across surrogate pairs.
            let _ = (message.markdown_text(), message.html_text());

            let all = builtins();
            let values: Vec<bool> = all.iter().map(|(_, f)| eval(f.clone(), &cx)).collect();
            let value = |name: &str| values[all.iter().position(|(n, _)| *n == name).unwrap()];

            // Exactly one kind of chat, one direction.
            let kinds = ["private", "group", "channel"].map(value);
            prop_assert_eq!(kinds.iter().filter(|k| **k).count(), 1, "{:?}", kinds);
            prop_assert!(value("incoming") != value("outgoing"));
            prop_assert_eq!(value("outgoing"), spec.out);
            // Text and caption: non-empty, never both, not on service messages.
            prop_assert!(!(value("text") && value("caption")));
            if value("text") || value("caption") {
                prop_assert!(!spec.text.is_empty() && !spec.service);
            }
            // At most one media kind, and any of them is media.
            let kinds = [
                "photo",
                "video",
                "document",
                "audio",
                "voice",
                "video_note",
                "sticker",
                "animation",
                "contact",
                "location",
                "venue",
                "poll",
                "dice",
            ]
            .map(value);
            prop_assert!(kinds.iter().filter(|k| **k).count() <= 1);
            if kinds.iter().any(|k| *k) {
                prop_assert!(value("media"));
            }
            prop_assert_eq!(value("service"), spec.service);
            if !spec.service {
                prop_assert_eq!(value("reply"), spec.reply_to.is_some());
                prop_assert_eq!(value("forwarded"), spec.forwarded_from.is_some());
                prop_assert_eq!(value("via_bot"), spec.via_bot.is_some());
            }
            prop_assert_eq!(value("mentioned"), spec.mentioned);

            // The combinators are boolean algebra over any two filters.
            let (fa, fb) = (all[a].1.clone(), all[b].1.clone());
            prop_assert_eq!(eval(fa.clone() & fb.clone(), &cx), values[a] && values[b]);
            prop_assert_eq!(eval(fa.clone() | fb.clone(), &cx), values[a] || values[b]);
            prop_assert_eq!(eval(!fa, &cx), !values[a]);
            Ok(())
        })
        .unwrap();
}

// ---- Bot.toml ---------------------------------------------------------------------------

/// TOML values of every type, for any key.
fn toml_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        Just("nan".to_owned()),
        Just("-inf".to_owned()),
        Just("1e400".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        text_upto(40).prop_map(|s| format!("{s:?}")),
        text_upto(40).prop_map(|s| format!("'{}'", s.replace(['\'', '\n', '\r'], ""))),
        Just("1979-05-27T07:32:00Z".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| format!("[{}]", v.join(", "))),
            proptest::collection::vec(("[a-z_]{1,8}", inner), 0..3).prop_map(|kv| {
                let fields: Vec<String> =
                    kv.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", fields.join(", "))
            }),
        ]
    })
}

/// Documents using oxygram's real sections and keys (and near misses), with any values.
fn bot_toml() -> impl Strategy<Value = String> {
    let section = proptest::sample::select(vec![
        "telegram",
        "session",
        "log",
        "updates",
        "dispatch",
        "plugins",
        "plugins.admin",
        "telegrm",
        "greeter",
        "",
    ]);
    let key = proptest::sample::select(vec![
        "api_id",
        "api_hash",
        "bot_token",
        "phone",
        "code",
        "password",
        "flood_sleep_threshold_secs",
        "name",
        "dir",
        "level",
        "catch_up",
        "checkpoint_interval_secs",
        "watchdog_interval_secs",
        "max_in_flight",
        "command_prefixes",
        "set_bot_commands",
        "shutdown_grace_secs",
        "include",
        "exclude",
        "apiid",
        "x",
    ]);
    proptest::collection::vec(
        (
            section,
            proptest::collection::vec((key, toml_value()), 0..5),
        ),
        0..5,
    )
    .prop_map(|sections| {
        let mut doc = String::new();
        for (section, keys) in sections {
            if !section.is_empty() {
                doc.push_str(&format!("[{section}]\n"));
            }
            for (key, value) in keys {
                doc.push_str(&format!("{key} = {value}\n"));
            }
        }
        doc
    })
}

#[test]
fn bot_toml_from_arbitrary_documents_loads_or_names_the_problem() {
    let strategy = prop_oneof![
        4 => bot_toml(),
        1 => text_upto(300),
        1 => proptest::collection::vec(any::<u8>(), 0..300)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    ];
    runner()
        .run(&strategy, |toml| {
            match Config::from_toml_str(&toml) {
                Ok(config) => {
                    prop_assert!(config.dispatch.max_in_flight >= 1);
                    prop_assert!(!config.updates.checkpoint_interval.is_zero());
                    prop_assert!(!config.updates.watchdog_interval.is_zero());
                }
                Err(error) => prop_assert!(!error.to_string().is_empty()),
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn bot_toml_files_of_arbitrary_bytes_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Bot.toml");
    let strategy = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        bot_toml().prop_map(|doc| {
            // A valid document with one byte made invalid UTF-8.
            let mut bytes = doc.into_bytes();
            bytes.push(0xff);
            bytes
        }),
    ];
    runner()
        .run(&strategy, |bytes| {
            std::fs::write(&path, &bytes).unwrap();
            let loaded = Config::from_file_and_env(
                &path,
                oxygram::config::OxygramEnv::from_vars(Vec::new()),
            );
            if let Err(error) = loaded {
                let message = error.to_string();
                prop_assert!(message.contains("Bot.toml"), "{}", message);
            }
            Ok(())
        })
        .unwrap();
}
