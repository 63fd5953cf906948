//! The roles presets and role features the crate does not know: what HELLO and WELCOME carry.
//!
//! The expected JSON of the presets was written by autobahn-python 26.10.2 itself:
//! `json.dumps(Hello("realm1", role.DEFAULT_CLIENT_ROLES).marshal(), separators=(",", ":"))`,
//! and the same of `Welcome(1, {"broker": RoleBrokerFeatures(...), "dealer":
//! RoleDealerFeatures(...)})` with the features Crossbar.io's router sets.

use wamp_codec::serializer::{json, Format};
use wamp_codec::{EncodeError, Features, Hello, Message, Role, Roles, Welcome};

const AUTOBAHN_HELLO: &str = concat!(
    r#"[1,"realm1",{"roles":{"subscriber":{"features":{"publisher_identification":true,"#,
    r#""pattern_based_subscription":true,"subscription_revocation":true,"#,
    r#""payload_transparency":true,"payload_encryption_cryptobox":true}},"#,
    r#""publisher":{"features":{"publisher_identification":true,"#,
    r#""subscriber_blackwhite_listing":true,"publisher_exclusion":true,"#,
    r#""payload_transparency":true,"x_acknowledged_event_delivery":true,"#,
    r#""payload_encryption_cryptobox":true}},"caller":{"features":{"#,
    r#""caller_identification":true,"call_canceling":true,"progressive_call_results":true,"#,
    r#""payload_transparency":true,"payload_encryption_cryptobox":true}},"#,
    r#""callee":{"features":{"caller_identification":true,"pattern_based_registration":true,"#,
    r#""shared_registration":true,"call_canceling":true,"progressive_call_results":true,"#,
    r#""registration_revocation":true,"payload_transparency":true,"#,
    r#""payload_encryption_cryptobox":true}}}}]"#,
);

const CROSSBAR_WELCOME: &str = concat!(
    r#"[2,1,{"roles":{"broker":{"features":{"publisher_identification":true,"#,
    r#""pattern_based_subscription":true,"session_meta_api":true,"subscription_meta_api":true,"#,
    r#""subscriber_blackwhite_listing":true,"publisher_exclusion":true,"#,
    r#""subscription_revocation":true,"payload_transparency":true,"#,
    r#""payload_encryption_cryptobox":true,"event_retention":true}},"#,
    r#""dealer":{"features":{"caller_identification":true,"pattern_based_registration":true,"#,
    r#""session_meta_api":true,"registration_meta_api":true,"shared_registration":true,"#,
    r#""call_canceling":true,"progressive_call_results":true,"registration_revocation":true,"#,
    r#""payload_transparency":true,"testament_meta_api":true,"#,
    r#""payload_encryption_cryptobox":true}}}}]"#,
);

#[test]
fn autobahn_client_preset_is_what_autobahn_announces() {
    let hello = Hello::new(Some("realm1".into()), Roles::autobahn_client());
    let wire = json::to_vec(&hello.clone().into()).unwrap();
    assert_eq!(String::from_utf8(wire).unwrap(), AUTOBAHN_HELLO);
    assert_eq!(
        json::from_slice(AUTOBAHN_HELLO.as_bytes()).unwrap(),
        Message::Hello(hello)
    );
}

#[test]
fn crossbar_router_preset_is_what_crossbar_announces() {
    let welcome = Welcome::new(1, Roles::crossbar_router());
    let wire = json::to_vec(&welcome.clone().into()).unwrap();
    assert_eq!(String::from_utf8(wire).unwrap(), CROSSBAR_WELCOME);
    assert_eq!(
        json::from_slice(CROSSBAR_WELCOME.as_bytes()).unwrap(),
        Message::Welcome(welcome)
    );
}

/// A feature the crate does not know is written after the known ones and read back; only
/// FlatBuffers, whose schema has no field for it, refuses it, naming it.
#[test]
fn unknown_features_are_written_and_read_back() {
    let roles = Roles::new().with(Role::Caller, ["x_my_feature", "call_canceling"]);
    let hello: Message = Hello::new(Some("realm1".into()), roles).into();
    let wire = json::to_vec(&hello).unwrap();
    assert_eq!(
        String::from_utf8(wire.clone()).unwrap(),
        r#"[1,"realm1",{"roles":{"caller":{"features":{"call_canceling":true,"x_my_feature":true}}}}]"#
    );
    for format in [Format::Json, Format::Msgpack, Format::Cbor] {
        assert_eq!(
            format.decode(&format.encode(&hello).unwrap()).unwrap(),
            hello
        );
    }
    let err = Format::Flatbuffers.encode(&hello).unwrap_err();
    assert!(matches!(err, EncodeError::Unrepresentable { .. }));
    assert!(
        err.to_string()
            .contains("role feature 'x_my_feature' of caller in HELLO"),
        "{err}"
    );
}

/// On decode, an unknown feature is kept when it is a boolean; any other value, which autobahn
/// ignores too, is not a feature flag and is left out.
#[test]
fn unknown_features_decode_when_boolean() {
    let wire = br#"[1,"r",{"roles":{"callee":{"features":{"x_a":false,"x_b":"yes","shared_registration":true}}}}]"#;
    let Message::Hello(hello) = json::from_slice(wire).unwrap() else {
        panic!("a HELLO")
    };
    let expected: Features = [("shared_registration".into(), true), ("x_a".into(), false)]
        .into_iter()
        .collect();
    assert_eq!(hello.roles[&Role::Callee], expected);
}

/// The FlatBuffers views read the roles as the owned types hold them.
#[test]
fn flatbuffers_views_read_the_roles() {
    let welcome: Message = Welcome::new(1, Roles::crossbar_router()).into();
    let wire = Format::Flatbuffers.encode(&welcome).unwrap();
    assert_eq!(
        Welcome::cast(&wire).unwrap().roles(),
        Roles::crossbar_router()
    );
    let hello: Message = Hello::new(None, Roles::autobahn_client()).into();
    let wire = Format::Flatbuffers.encode(&hello).unwrap();
    assert_eq!(
        Hello::cast(&wire).unwrap().roles(),
        Roles::autobahn_client()
    );
}
