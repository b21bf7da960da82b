"""The assessment pages: the indicators (`indicators`) and 警网双考 (`schemes`)."""
