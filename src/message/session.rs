//! Session messages (stub).

use crate::error::ValidationError;
use crate::message::{Correlation, WampMessage};
use crate::value::Value;

/// `HELLO` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hello {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Hello {
    const MESSAGE_TYPE: u64 = 1;
    const NAME: &'static str = "HELLO";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `WELCOME` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Welcome {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Welcome {
    const MESSAGE_TYPE: u64 = 2;
    const NAME: &'static str = "WELCOME";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `ABORT` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Abort {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Abort {
    const MESSAGE_TYPE: u64 = 3;
    const NAME: &'static str = "ABORT";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `CHALLENGE` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Challenge {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Challenge {
    const MESSAGE_TYPE: u64 = 4;
    const NAME: &'static str = "CHALLENGE";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `AUTHENTICATE` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Authenticate {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Authenticate {
    const MESSAGE_TYPE: u64 = 5;
    const NAME: &'static str = "AUTHENTICATE";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `GOODBYE` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Goodbye {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Goodbye {
    const MESSAGE_TYPE: u64 = 6;
    const NAME: &'static str = "GOODBYE";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `ERROR` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorReply {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for ErrorReply {
    const MESSAGE_TYPE: u64 = 8;
    const NAME: &'static str = "ERROR";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}
