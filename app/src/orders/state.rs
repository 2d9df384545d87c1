//! The order's two statuses and the one table of allowed moves. Payment and fulfilment
//! are kept apart (as Shopify keeps them): a paid order can be unfulfilled, a shipped
//! order can be partially refunded. Everything that changes an order asks [`next`] (or
//! [`after_refund`]) first; a move not in the table is refused with its reason.

use serde::{Deserialize, Serialize};

macro_rules! names {
    ($name:ident { $($v:ident = $s:literal),* $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($v),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),* } }
            pub fn parse(s: &str) -> Option<$name> { Self::ALL.iter().copied().find(|v| v.as_str() == s) }
        }
    };
}

names!(Payment {
    Pending = "pending",
    Authorized = "authorized",
    Paid = "paid",
    PartiallyRefunded = "partially_refunded",
    Refunded = "refunded",
    Voided = "voided",
});

names!(Fulfilment {
    Unfulfilled = "unfulfilled",
    Packed = "packed",
    Shipped = "shipped",
    Delivered = "delivered",
    ReadyForPickup = "ready_for_pickup",
    Collected = "collected",
    Cancelled = "cancelled",
});

names!(Action {
    Pack = "pack",
    Ship = "ship",
    Deliver = "deliver",
    ReadyForPickup = "ready_for_pickup",
    HandOver = "hand_over",
    Cancel = "cancel",
});

/// Why a move was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not from this fulfilment status.
    NotNow,
    /// The order is not paid yet (or no longer).
    Unpaid,
    /// Not for this delivery method (shipping a pickup order, say).
    WrongMethod,
}

/// Where `action` takes an order that is `payment`/`fulfilment`, for home delivery
/// (`pickup` false) or store pickup. The whole table:
///
/// | action           | from                         | needs            |
/// |------------------|------------------------------|------------------|
/// | pack             | unfulfilled                  | delivery, paid   |
/// | ship             | packed                       | delivery, paid   |
/// | deliver          | shipped                      | delivery         |
/// | ready_for_pickup | unfulfilled                  | pickup, paid     |
/// | hand_over        | ready_for_pickup             | pickup, paid     |
/// | cancel           | unfulfilled, packed, ready_for_pickup | -       |
///
/// "Paid" is paid or partially refunded. Cancelling voids an unpaid order's payment;
/// a paid one is refunded by the caller (see `after_refund`).
pub fn next(
    pickup: bool,
    payment: Payment,
    fulfilment: Fulfilment,
    action: Action,
) -> Result<Fulfilment, Refusal> {
    use Fulfilment as F;
    let paid = matches!(payment, Payment::Paid | Payment::PartiallyRefunded);
    let (from, to, for_pickup, needs_paid): (&[Fulfilment], Fulfilment, Option<bool>, bool) =
        match action {
            Action::Pack => (&[F::Unfulfilled], F::Packed, Some(false), true),
            Action::Ship => (&[F::Packed], F::Shipped, Some(false), true),
            Action::Deliver => (&[F::Shipped], F::Delivered, Some(false), false),
            Action::ReadyForPickup => (&[F::Unfulfilled], F::ReadyForPickup, Some(true), true),
            Action::HandOver => (&[F::ReadyForPickup], F::Collected, Some(true), true),
            Action::Cancel => (
                &[F::Unfulfilled, F::Packed, F::ReadyForPickup],
                F::Cancelled,
                None,
                false,
            ),
        };
    if for_pickup.is_some_and(|p| p != pickup) {
        return Err(Refusal::WrongMethod);
    }
    if !from.contains(&fulfilment) {
        return Err(Refusal::NotNow);
    }
    if needs_paid && !paid {
        return Err(Refusal::Unpaid);
    }
    Ok(to)
}

/// The payment status after refunding `refund` of `total` when `refunded` was refunded
/// before; `None` when that is not possible (nothing paid, or more than is left).
pub fn after_refund(payment: Payment, total: i64, refunded: i64, refund: i64) -> Option<Payment> {
    if !matches!(payment, Payment::Paid | Payment::PartiallyRefunded)
        || refund <= 0
        || refunded + refund > total
    {
        return None;
    }
    Some(if refunded + refund == total {
        Payment::Refunded
    } else {
        Payment::PartiallyRefunded
    })
}

/// What a shopper may do to their own order: cancel while it is unpaid, or paid and not
/// yet packed (or made ready for pickup).
pub fn shopper_may_cancel(payment: Payment, fulfilment: Fulfilment) -> bool {
    fulfilment == Fulfilment::Unfulfilled
        && matches!(
            payment,
            Payment::Pending | Payment::Paid | Payment::Authorized
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (method, payment, fulfilment, action) against the table, written out here a
    /// second time as the list of moves that are allowed.
    #[test]
    fn the_whole_table() {
        use Fulfilment as F;
        let allowed = |pickup: bool, paid: bool, from: F, action: Action| -> Option<F> {
            match (pickup, action, from) {
                (false, Action::Pack, F::Unfulfilled) if paid => Some(F::Packed),
                (false, Action::Ship, F::Packed) if paid => Some(F::Shipped),
                (false, Action::Deliver, F::Shipped) => Some(F::Delivered),
                (true, Action::ReadyForPickup, F::Unfulfilled) if paid => Some(F::ReadyForPickup),
                (true, Action::HandOver, F::ReadyForPickup) if paid => Some(F::Collected),
                (_, Action::Cancel, F::Unfulfilled | F::Packed | F::ReadyForPickup) => {
                    Some(F::Cancelled)
                }
                _ => None,
            }
        };
        let mut checked = 0;
        for pickup in [false, true] {
            for &payment in Payment::ALL {
                let paid = matches!(payment, Payment::Paid | Payment::PartiallyRefunded);
                for &from in Fulfilment::ALL {
                    for &action in Action::ALL {
                        let got = next(pickup, payment, from, action).ok();
                        assert_eq!(
                            got,
                            allowed(pickup, paid, from, action),
                            "{pickup} {payment:?} {from:?} {action:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 2 * 6 * 7 * 6);
    }

    #[test]
    fn refusals_say_why() {
        use Fulfilment as F;
        assert_eq!(
            next(true, Payment::Paid, F::Unfulfilled, Action::Ship),
            Err(Refusal::WrongMethod)
        );
        assert_eq!(
            next(false, Payment::Pending, F::Unfulfilled, Action::Pack),
            Err(Refusal::Unpaid)
        );
        assert_eq!(
            next(false, Payment::Paid, F::Shipped, Action::Cancel),
            Err(Refusal::NotNow)
        );
    }

    #[test]
    fn refunds_never_exceed_what_was_paid() {
        assert_eq!(
            after_refund(Payment::Paid, 1000, 0, 400),
            Some(Payment::PartiallyRefunded)
        );
        assert_eq!(
            after_refund(Payment::PartiallyRefunded, 1000, 400, 600),
            Some(Payment::Refunded)
        );
        assert_eq!(
            after_refund(Payment::PartiallyRefunded, 1000, 400, 601),
            None
        );
        assert_eq!(after_refund(Payment::Pending, 1000, 0, 10), None);
        assert_eq!(after_refund(Payment::Paid, 1000, 0, 0), None);
        assert_eq!(after_refund(Payment::Refunded, 1000, 1000, 1), None);
    }

    #[test]
    fn names_read_back() {
        for &p in Payment::ALL {
            assert_eq!(Payment::parse(p.as_str()), Some(p));
        }
        for &f in Fulfilment::ALL {
            assert_eq!(Fulfilment::parse(f.as_str()), Some(f));
        }
        for &a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
    }
}
