"""Reporting: Allure steps and attachments, and the step statistics of the terminal summary."""
