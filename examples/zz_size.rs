use wamp_codec::*;
fn main() {
    println!("Message {}", std::mem::size_of::<Message>());
    println!("Publish {}", std::mem::size_of::<Publish>());
    println!("Event {}", std::mem::size_of::<Event>());
    println!("Call {}", std::mem::size_of::<Call>());
    println!("Hello {}", std::mem::size_of::<Hello>());
    println!("Welcome {}", std::mem::size_of::<Welcome>());
    println!("Invocation {}", std::mem::size_of::<Invocation>());
    println!("Result {}", std::mem::size_of::<CallResult>());
    println!("Error {}", std::mem::size_of::<ErrorReply>());
    println!("Register {}", std::mem::size_of::<Register>());
    println!("Subscribe {}", std::mem::size_of::<Subscribe>());
    println!("Value {}", std::mem::size_of::<Value>());
    println!(
        "Result<Message,DecodeError> {}",
        std::mem::size_of::<std::result::Result<Message, error::DecodeError>>()
    );
}
