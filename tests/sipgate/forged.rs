//! Nothing happens for an event sipgate did not sign, or one posted to a
//! URL lotse did not make for that call.

use crate::support::*;

#[tokio::test]
async fn unsigned_forged_or_altered_events_get_403_and_touch_nothing() {
    let sg = spawn(OPEN).await;
    let body = new_call("CALLF1", FROM);
    let unsigned = sg.post_raw("/sipgate/call", &body, None).await;
    assert_eq!(unsigned.status, 403);
    let other_key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
    let forged = sg
        .post_raw("/sipgate/call", &body, Some(sign_with(&other_key, &body)))
        .await;
    assert_eq!(forged.status, 403);
    let altered = body.replace(FROM, "4930231257778");
    let altered = sg
        .post_raw("/sipgate/call", &altered, Some(sign(&body)))
        .await;
    assert_eq!(altered.status, 403);
    let garbled = sg
        .post_raw("/sipgate/call", &body, Some("not base64!".into()))
        .await;
    assert_eq!(garbled.status, 403);
    assert!(
        !unsigned.body.contains("signature verification"),
        "no detail for a forger"
    );
    sg.assert_metrics(&[
        "lotse_signature_failures_total{provider=\"sipgate\"} 4",
        "lotse_calls_started_total{provider=\"sipgate\"} 0",
    ])
    .await;
}

#[tokio::test]
async fn a_signed_body_posted_to_an_edited_or_foreign_link_is_refused() {
    let sg = spawn(OPEN).await;
    sg.set("anna", lotse::routing::Presence::Available).await;
    let menu = sg
        .post("/sipgate/call", &new_call("CALLF2", FROM))
        .await
        .body;
    let on_data = attr(&menu, "Gather", "onData").unwrap();
    // Rewriting what the link carries (another step, a wait reset) breaks its MAC.
    let edited = on_data.replace("step=menu", "step=counsellor");
    let body = dtmf("CALLF2", "1");
    assert_eq!(
        sg.post_raw(&edited, &body, Some(sign(&body))).await.status,
        403
    );
    // A genuinely signed event of another call cannot use this call's link.
    let other = dtmf("CALLF3", "1");
    assert_eq!(
        sg.post_raw(&on_data, &other, Some(sign(&other)))
            .await
            .status,
        403
    );
    // Without the MAC at all.
    let bare = on_data.split("&sig=").next().unwrap().to_owned();
    assert_eq!(
        sg.post_raw(&bare, &body, Some(sign(&body))).await.status,
        403
    );
    assert_eq!(
        sg.status("anna").await,
        lotse::routing::Status::Available,
        "nobody was rung"
    );
}

#[tokio::test]
async fn sipgates_own_signed_test_vector_passes_the_built_in_key() {
    // No public_key_pem: sipgate's published key. The vector's callId is
    // empty, so the signature holds and the event is then refused as 400.
    let api = CallControl::start().await;
    let (_dir, path) = config_dir(&api.url(), TONE_TTS, "");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("public_key_pem = \"test-key.pem\"\n", "");
    std::fs::write(&path, text).unwrap();
    let settings = crate::helpers::settings_with_env(Some(&path), &[]);
    let app = crate::helpers::spawn_with(settings, OPEN).await;
    let sg = Sipgate::wrap(app, api);
    let body = "callId=&direction=in&event=newCall&from=4912354678&fullUserId%5B%5D%5B0%5D=123456789&originalCallId=&to=49999999&user%5B%5D%5B0%5D=TestUser&userId%5B%5D%5B0%5D=123456789&xcid=";
    let signature = "hlY7r9Vad0NP/7xJxf+vcDqjWaGWHOcIrj+rcP5aqQQcHtbSLsElp2kRNRPBL5unWbq6bExVPZB49HHM+Y/fWSVL19q7KSJhYPHfikcME0r0mCYB4S/VnJwnIvpiqz6s7Dpnk3wDCy65B3WQLwBVWA9oh6ojNM/g+87YnoMTKRx1KoFqosKNfBp1c1I8XjXusGOW/VlGnMb6wHhUVdwi9K7FfUgxj2pnV+M1Xv9rYs6RAi4V1OcUPqdT5geHsxWa09sk+AEHSUm1EFnAvx7PhIkugpNwST7yPKHf0+iyei4qUQCBZtfQVOI4mLZTRfQuyVo3YuJfvHaNPYY34/1ZCZGCKeu+HS6WHs1vGUyKxSi8v4JJqog2VOlWruf8pMGg+syuAFwuxiCnWsSXgaaUfe9JrBAFjBxUmNP9DzR1bbkwxkJnthacu7jALXjGsubjSSSl955QgenV/ZpODHgWDPg0fe6qGILtk+kXLjyfSsoR/qgzE5W5OAyZq8W64h01KAt9Q283N7/2nogy6keiIWL3qjPolWnrchSP7iJUatM2YiTcpkNKnJ70UE05cdw3swuNe7zqD51MdOX3rAioEOFgOIFMSrxMVX+V4XK7sa5o43smN8lHoa+0AogQMuIrC7k2axdRbulSSNfyqVAZIT4qS0cItiv3aPXsdDKkkA0=";
    let reply = sg
        .post_raw("/sipgate/call", body, Some(signature.into()))
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("callId"));
    // And the same body changed in one digit is forged.
    let altered = body.replace("123456789", "123456779");
    assert_eq!(
        sg.post_raw("/sipgate/call", &altered, Some(signature.into()))
            .await
            .status,
        403
    );
    // The test's own key is not sipgate's.
    let ours = new_call("CALLF4", FROM);
    assert_eq!(
        sg.post_raw("/sipgate/call", &ours, Some(sign(&ours)))
            .await
            .status,
        403
    );
}
