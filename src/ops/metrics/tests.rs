use actix_web::test::TestRequest;

use super::*;

#[test]
fn only_the_right_bearer_token_is_authorised() {
    let token = Secret::new("scrape-me-7f3a".to_string());
    let with = |value: &str| {
        TestRequest::default()
            .insert_header((header::AUTHORIZATION, value))
            .to_http_request()
    };
    assert!(authorised(&with("Bearer scrape-me-7f3a"), Some(&token)));
    assert!(authorised(&with("bearer scrape-me-7f3a"), Some(&token)));
    assert!(!authorised(&with("Bearer scrape-me-7f3"), Some(&token)));
    assert!(!authorised(&with("Bearer scrape-me-7f3a0"), Some(&token)));
    assert!(!authorised(&with("Basic scrape-me-7f3a"), Some(&token)));
    assert!(!authorised(&with("scrape-me-7f3a"), Some(&token)));
    assert!(!authorised(&with("Bearer "), Some(&token)));
    assert!(!authorised(
        &TestRequest::default().to_http_request(),
        Some(&token)
    ));
    assert!(authorised(&TestRequest::default().to_http_request(), None));
}
