//! The TCP side: accepting connections, decrypting requests, answering and pushing.
//!
//! Each connection has a reader (this task) and a writer task fed by a channel, so answers and
//! pushed updates interleave safely and a slow client never blocks the world lock.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use grammers_tl_types::Serializable;

use crate::interactions::{BOT_RESPONSE_TIMEOUT, CallbackOutcome};
use crate::observed::RpcCall;
use crate::rpc::{self, Answer, ConnInfo, RpcFail};
use crate::state::{ConnEntry, Shared};
use crate::tl_build;
use crate::wire::crypto::{self, AuthKey};
use crate::wire::framing::Framing;
use crate::wire::mtp::{self, Inbound};
use crate::wire::sessions::Admission;

static NEXT_CONN_ID: AtomicU64 = AtomicU64::new(1);
static LAST_MSG_ID: AtomicI64 = AtomicI64::new(0);

/// A server message id: current time in the high half, odd, strictly increasing.
fn next_msg_id() -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let candidate = ((now.as_secs() as i64) << 32) | (i64::from(now.subsec_nanos()) & !3) | 1;
    let mut last = LAST_MSG_ID.load(Ordering::Relaxed);
    loop {
        let next = candidate.max(last + 4);
        match LAST_MSG_ID.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(actual) => last = actual,
        }
    }
}

/// Accepts connections to data centre `dc` until the task is aborted.
pub(crate) async fn accept_loop(shared: Arc<Shared>, listener: TcpListener, dc: i32) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                if shared.faults.refusing() {
                    tracing::debug!(%peer, "refusing connection (fault injected)");
                    drop(stream);
                    continue;
                }
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(Arc::clone(&shared), stream, dc));
            }
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}

async fn connection(shared: Arc<Shared>, stream: TcpStream, dc: i32) {
    let conn_id = NEXT_CONN_ID.fetch_add(1, Ordering::Relaxed);
    let (mut reader, writer) = stream.into_split();
    let (mut framing, first) = match Framing::accept(&mut reader).await {
        Ok(x) => x,
        Err(error) => {
            tracing::debug!(conn_id, %error, "connection closed before its first packet");
            return;
        }
    };
    let key_id = crypto::packet_key_id(&first).unwrap_or(0);
    if key_id == 0 {
        tracing::warn!(
            conn_id,
            "client sent an unencrypted packet (a key exchange): the testkit cannot run one; \
             give the client a session issued by the testkit"
        );
        return;
    }
    let slot = shared
        .lock()
        .keys
        .get(&key_id)
        .map(|slot| (slot.key.clone(), slot.dc));
    if let Some((_, Some(home))) = slot
        && home != dc
    {
        // Auth keys are made per DC; another DC does not know this one (Telegram answers
        // with transport error -404 and closes).
        tracing::warn!(
            conn_id,
            dc,
            key_dc = home,
            "auth key of another data centre: the session holds one key per DC"
        );
        return;
    }
    let Some((key, _)) = slot else {
        tracing::warn!(
            conn_id,
            key_id = format_args!("{key_id:016x}"),
            "unknown auth key: the session was not issued by this testkit"
        );
        return;
    };
    let plain = match crypto::decrypt_from_client(&key, &first) {
        Ok(plain) => plain,
        Err(error) => {
            tracing::warn!(conn_id, %error, "first packet does not decrypt");
            return;
        }
    };
    let session_id = plain.session_id;

    let (push_tx, push_rx) = mpsc::unbounded_channel();
    let kill = Arc::new(tokio::sync::Notify::new());
    shared.lock().conns.insert(
        conn_id,
        ConnEntry {
            key_id,
            dc,
            push: push_tx.clone(),
            kill: Arc::clone(&kill),
        },
    );
    let writer_task = tokio::spawn(write_loop(
        writer,
        framing.for_sending(),
        Arc::clone(&shared),
        key.clone(),
        session_id,
        push_rx,
    ));
    tracing::debug!(conn_id, dc, "connection accepted");

    let mut conn = ConnInfo {
        conn_id,
        dc,
        key_id,
        ..ConnInfo::default()
    };
    handle_packet(&shared, &mut conn, plain, &push_tx);
    loop {
        let packet = tokio::select! {
            packet = framing.read_packet(&mut reader) => packet,
            _ = kill.notified() => {
                tracing::debug!(conn_id, "connection dropped (fault injected)");
                break;
            }
        };
        let packet = match packet {
            Ok(packet) => packet,
            Err(error) => {
                tracing::debug!(conn_id, %error, "connection closed");
                break;
            }
        };
        if crypto::packet_key_id(&packet) != Some(key_id) {
            tracing::warn!(conn_id, "packet with another auth key on one connection");
            break;
        }
        match crypto::decrypt_from_client(&key, &packet) {
            Ok(plain) if plain.session_id != session_id => {
                // Answers go out under the connection's session id, and grammers panics on a
                // session id that is not its own: one session per connection, as clients use.
                tracing::warn!(conn_id, "a second session id on one connection; closing it");
                break;
            }
            Ok(plain) => handle_packet(&shared, &mut conn, plain, &push_tx),
            Err(error) => {
                tracing::warn!(conn_id, %error, "packet does not decrypt");
                break;
            }
        }
    }
    shared.lock().conns.remove(&conn_id);
    shared.changed.notify_waiters();
    writer_task.abort();
}

/// Lets one decrypted client message through the service layer (salt, session), then
/// answers what it holds. A rejected message is not executed: the client resends it.
fn handle_packet(
    shared: &Arc<Shared>,
    conn: &mut ConnInfo,
    plain: crypto::Plaintext,
    out: &mpsc::UnboundedSender<Vec<u8>>,
) {
    let first_msg_id = mtp::first_msg_id(plain.msg_id, &plain.body);
    match shared
        .sessions
        .admit(conn.key_id, plain.session_id, plain.salt, first_msg_id)
    {
        Admission::BadSalt { new_salt } => {
            tracing::debug!(
                conn_id = conn.conn_id,
                msg_id = plain.msg_id,
                "bad server salt: message rejected, the client resends it with the new salt"
            );
            let _ = out.send(mtp::bad_server_salt(plain.msg_id, plain.seq_no, new_salt));
            return;
        }
        Admission::Accepted { created } => {
            if let Some(created) = created {
                tracing::debug!(conn_id = conn.conn_id, "new session created");
                let _ = out.send(mtp::new_session_created(
                    created.first_msg_id,
                    created.unique_id,
                    created.server_salt,
                ));
            }
        }
    }
    handle_message(shared, conn, plain.msg_id, plain.body, out);
}

fn handle_message(
    shared: &Arc<Shared>,
    conn: &mut ConnInfo,
    msg_id: i64,
    body: Vec<u8>,
    out: &mpsc::UnboundedSender<Vec<u8>>,
) {
    let mut inbound = Vec::new();
    if let Err(error) = mtp::unwrap(msg_id, body, &mut inbound) {
        tracing::warn!(conn_id = conn.conn_id, %error, "malformed message ignored");
    }
    for item in inbound {
        let answer = match item {
            Inbound::Request { msg_id, body } => {
                answer_request(shared, conn, msg_id, &body, out);
                continue;
            }
            Inbound::Ping { msg_id, ping_id } => mtp::pong(msg_id, ping_id),
            Inbound::FutureSalts { msg_id, num } => {
                let (now, salts) = shared.sessions.future_salts(conn.key_id, num);
                mtp::future_salts(msg_id, now, &salts)
            }
            Inbound::DestroySession { msg_id, session_id } => {
                let existed = shared.sessions.destroy(conn.key_id, session_id);
                mtp::destroy_session_res(msg_id, session_id, existed)
            }
        };
        let _ = out.send(answer);
    }
}

fn answer_request(
    shared: &Arc<Shared>,
    conn: &mut ConnInfo,
    msg_id: i64,
    body: &[u8],
    out: &mpsc::UnboundedSender<Vec<u8>>,
) {
    let result = rpc::unwrap_invoke(conn, body).and_then(|inner| {
        let inner = inner.body;
        let method = rpc::method_name(&inner);
        let injected = shared.faults.take_error(method);
        let mut state = shared.lock();
        let account = state.keys.get(&conn.key_id).and_then(|k| k.account);
        let result = match injected {
            Some(fail) => Err(fail),
            None => rpc::dispatch(&mut state, conn, &inner),
        };
        let error = result.as_ref().err().map(|e| e.name.clone());
        match &error {
            Some(error) => {
                tracing::info!(target: "oxygram_testkit::rpc", method, account, %error, "rpc")
            }
            None => tracing::info!(target: "oxygram_testkit::rpc", method, account, "rpc"),
        }
        state.rpc_log.push(RpcCall {
            account,
            method: method.to_string(),
            error,
        });
        // Queued before the world lock is released: an update another connection makes the
        // world push to this one must not overtake the answer it follows in `seq`.
        if let Ok(Answer::Now(bytes)) = &result
            && shared.faults.answer_delay().is_none()
        {
            let _ = out.send(mtp::rpc_result(msg_id, bytes));
            return Ok(None);
        }
        result.map(Some)
    });
    shared.changed.notify_waiters();
    let answer = match result {
        Ok(None) => return,
        Ok(Some(Answer::Now(bytes))) => mtp::rpc_result(msg_id, &bytes),
        Ok(Some(deferred)) => {
            // The answer waits for a bot; answer from a task so the connection keeps reading.
            let shared = Arc::clone(shared);
            let out = out.clone();
            tokio::spawn(async move {
                let answer = wait_for_bot(&shared, deferred).await;
                let _ = out.send(match answer {
                    Ok(bytes) => mtp::rpc_result(msg_id, &bytes),
                    Err(fail) => mtp::rpc_error(msg_id, fail.code, &fail.name),
                });
            });
            return;
        }
        Err(fail) => mtp::rpc_error(msg_id, fail.code, &fail.name),
    };
    match shared.faults.answer_delay() {
        Some(delay) => {
            let out = out.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let _ = out.send(answer);
            });
        }
        None => {
            let _ = out.send(answer);
        }
    }
}

async fn wait_for_bot(shared: &Shared, deferred: Answer) -> Result<Vec<u8>, RpcFail> {
    let timeout = || RpcFail::bad_request("BOT_RESPONSE_TIMEOUT");
    match deferred {
        Answer::Now(bytes) => Ok(bytes),
        Answer::WaitCallback(query_id) => {
            match shared.callback_answer(query_id, BOT_RESPONSE_TIMEOUT).await {
                CallbackOutcome::Answered(answer) => {
                    Ok(
                        tl_build::bot_callback_answer(answer.message, answer.alert, answer.url)
                            .to_bytes(),
                    )
                }
                CallbackOutcome::Expired | CallbackOutcome::TimedOut => {
                    Err(crate::interactions::callback_timeout())
                }
            }
        }
        Answer::WaitInline {
            query_id,
            viewer,
            bot,
        } => {
            let results = shared
                .inline_results(query_id, BOT_RESPONSE_TIMEOUT)
                .await
                .ok_or_else(timeout)?;
            let users = shared.lock().users_for(viewer, &[bot]);
            Ok(tl_build::bot_results(query_id, &results, users).to_bytes())
        }
    }
}

async fn write_loop(
    mut writer: OwnedWriteHalf,
    mut framing: Framing,
    shared: Arc<Shared>,
    key: AuthKey,
    session_id: i64,
    mut bodies: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    let mut content_count = 0i32;
    let mut buffer = Vec::new();
    while let Some(body) = bodies.recv().await {
        buffer.clear();
        let salt = shared.sessions.current_salt(key.id());
        let mut next = Some(body);
        while let Some(body) = next {
            let seq_no = if mtp::is_content_related(&body) {
                content_count += 1;
                content_count * 2 - 1
            } else {
                content_count * 2
            };
            let packet =
                crypto::encrypt_to_client(&key, salt, session_id, next_msg_id(), seq_no, &body);
            buffer.extend_from_slice(&framing.frame(&packet));
            next = bodies.try_recv().ok();
        }
        if writer.write_all(&buffer).await.is_err() {
            break;
        }
    }
    let _ = writer.shutdown().await;
}
