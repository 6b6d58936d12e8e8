//! The CloudFront side of CORS: what each cache behavior forwards to its origin, which methods it
//! allows and caches, and the policies it uses.

pub mod behavior;
pub mod distribution;
pub mod limits;
pub mod managed_policies;
pub mod policies;
