"""Tests for the SMS IoT integration."""
