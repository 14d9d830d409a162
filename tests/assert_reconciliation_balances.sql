-- Every raw row is either staged or quarantined, and every staged row is used or set aside for a reason.
select *
from {{ ref('reconciliation') }}
where not is_reconciled
