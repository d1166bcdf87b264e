//! Sending outside (e-mail, group robots, webhooks): the channels a
//! delivery goes by, where it stands, and the kinds of robot.

string_enum!(
    /// How a delivery goes out.
    DeliveryChannel, "channel", {
        Email => "email", Wecom => "wecom", Dingtalk => "dingtalk", Webhook => "webhook",
    }
);

string_enum!(
    /// Where a delivery stands: waiting to be tried, sent, failed (tried
    /// again after a back-off) or dead (no more tries).
    DeliveryState, "state", {
        Pending => "pending", Sent => "sent", Failed => "failed", Dead => "dead",
    }
);

string_enum!(
    /// A group robot's or webhook's kind.
    RobotKind, "kind", {
        Wecom => "wecom", Dingtalk => "dingtalk", Webhook => "webhook",
    }
);

impl RobotKind {
    /// The channel a robot of this kind sends by.
    pub fn channel(self) -> DeliveryChannel {
        match self {
            RobotKind::Wecom => DeliveryChannel::Wecom,
            RobotKind::Dingtalk => DeliveryChannel::Dingtalk,
            RobotKind::Webhook => DeliveryChannel::Webhook,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DeliveryChannel, RobotKind};

    #[test]
    fn a_robot_sends_by_the_channel_of_its_name() {
        for k in RobotKind::ALL {
            assert_eq!(k.channel().as_str(), k.as_str());
        }
        assert_eq!(
            "email".parse::<DeliveryChannel>().ok(),
            Some(DeliveryChannel::Email)
        );
    }
}
