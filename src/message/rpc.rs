//! RPC messages (stub).

use crate::error::ValidationError;
use crate::message::{Correlation, WampMessage};
use crate::value::Value;

/// `CALL` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Call {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Call {
    const MESSAGE_TYPE: u64 = 48;
    const NAME: &'static str = "CALL";

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

/// `CANCEL` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cancel {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Cancel {
    const MESSAGE_TYPE: u64 = 49;
    const NAME: &'static str = "CANCEL";

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

/// `RESULT` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallResult {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for CallResult {
    const MESSAGE_TYPE: u64 = 50;
    const NAME: &'static str = "RESULT";

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

/// `REGISTER` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Register {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Register {
    const MESSAGE_TYPE: u64 = 64;
    const NAME: &'static str = "REGISTER";

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

/// `REGISTERED` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Registered {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Registered {
    const MESSAGE_TYPE: u64 = 65;
    const NAME: &'static str = "REGISTERED";

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

/// `UNREGISTER` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unregister {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Unregister {
    const MESSAGE_TYPE: u64 = 66;
    const NAME: &'static str = "UNREGISTER";

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

/// `UNREGISTERED` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unregistered {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Unregistered {
    const MESSAGE_TYPE: u64 = 67;
    const NAME: &'static str = "UNREGISTERED";

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

/// `INVOCATION` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Invocation {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Invocation {
    const MESSAGE_TYPE: u64 = 68;
    const NAME: &'static str = "INVOCATION";

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

/// `INTERRUPT` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Interrupt {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Interrupt {
    const MESSAGE_TYPE: u64 = 69;
    const NAME: &'static str = "INTERRUPT";

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

/// `YIELD` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Yield {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Yield {
    const MESSAGE_TYPE: u64 = 70;
    const NAME: &'static str = "YIELD";

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
