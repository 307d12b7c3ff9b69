"""What is fetched when, and what is kept between updates and restarts."""
